"""Web-map tile arithmetic (spatial.web_tiles), checked against values worked out by hand from the XYZ scheme."""

import pytest

from spatial.web_tiles import fit_zoom, tile_bounds, tile_of, tiles_in_view, view_bounds


def test_tile_bounds_of_the_first_tiles():
    assert tile_bounds(0, 0, 0) == pytest.approx((-180, -85.0511288, 180, 85.0511288))
    assert tile_bounds(1, 1, 1) == pytest.approx((0, -85.0511288, 180, 0), abs=1e-6)


def test_tile_of_is_the_inverse_of_tile_bounds_near_yuexiu():
    west, south, east, north = tile_bounds(14, 13347, 7109)
    assert west < 113.27 < east and south < 23.125 < north
    x, y = tile_of(west, north, 14)
    assert (x, y) == pytest.approx((13347, 7109))


@pytest.mark.parametrize("tile", [(23, 0, 0), (2, 4, 0), (2, 0, -1)])
def test_a_tile_that_does_not_exist_is_refused(tile):
    with pytest.raises(ValueError, match="no tile"):
        tile_bounds(*tile)


def test_fit_zoom_and_the_tiles_of_a_view():
    # 0.02° of longitude is 466 px at zoom 15 and 932 px at 16: a 1,000 px wide view with 12 px margins fits 16.
    assert fit_zoom((113.26, 23.12, 113.28, 23.13), 1000, 700, padding_px=12) == 16
    assert fit_zoom((113.26, 23.12, 113.28, 23.13), 900, 700, padding_px=12) == 15
    west, south, east, north = view_bounds((113.27, 23.125), 16, 512, 256)
    assert (east - west) == pytest.approx(2 * 360 / 2 ** 16) and south < 23.125 < north
    # The centre lies in tile x 53388.17, y 28439.04: ±1 tile across, ±0.5 down → columns 53387–53389, rows 28438–28439.
    assert tiles_in_view((113.27, 23.125), 16, 512, 256) == [
        (16, x, y) for x in (53387, 53388, 53389) for y in (28438, 28439)]
