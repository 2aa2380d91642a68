"""A minimal reader of Mapbox Vector Tiles (protobuf, spec 2.1) for the tests: layers, feature ids and properties.

Reads only what the tests look at (geometry stays encoded); written from
the spec (github.com/mapbox/vector-tile-spec, vector_tile.proto), so the
tests do not decode with the code they test.
"""


def _varint(data: bytes, i: int) -> tuple[int, int]:
    shift = value = 0
    while True:
        byte = data[i]
        value |= (byte & 0x7F) << shift
        i += 1
        if byte < 0x80:
            return value, i
        shift += 7


def _fields(data: bytes):
    """(field number, wire type, value) of a message; length-delimited values as bytes."""
    i = 0
    while i < len(data):
        key, i = _varint(data, i)
        number, wire = key >> 3, key & 7
        if wire == 0:
            value, i = _varint(data, i)
        elif wire == 2:
            length, i = _varint(data, i)
            value, i = data[i:i + length], i + length
        elif wire == 5:
            value, i = data[i:i + 4], i + 4
        elif wire == 1:
            value, i = data[i:i + 8], i + 8
        else:
            raise ValueError(f"wire type {wire} not in the vector tile spec")
        yield number, wire, value


def _packed(data: bytes) -> list[int]:
    out, i = [], 0
    while i < len(data):
        value, i = _varint(data, i)
        out.append(value)
    return out


def _value(data: bytes):
    for number, _, value in _fields(data):
        if number == 1:
            return value.decode()
        if number in (4, 5):
            return value
        if number == 6:
            return (value >> 1) ^ -(value & 1)
        if number == 7:
            return bool(value)
    raise ValueError("a value kind the tests do not read")


def read_tile(data: bytes) -> dict[str, dict]:
    """``{layer name: {"extent": int, "features": [{"id": int, "type": int, "properties": dict}]}}``."""
    layers = {}
    for number, _, raw in _fields(data):
        if number != 3:
            continue
        name, extent, keys, values, features = "", 4096, [], [], []
        for field, _, value in _fields(raw):
            if field == 1:
                name = value.decode()
            elif field == 5:
                extent = value
            elif field == 3:
                keys.append(value.decode())
            elif field == 4:
                values.append(_value(value))
            elif field == 2:
                features.append(value)
        decoded = []
        for feature in features:
            item = {"id": None, "type": None, "properties": {}}
            for field, _, value in _fields(feature):
                if field == 1:
                    item["id"] = value
                elif field == 3:
                    item["type"] = value
                elif field == 2:
                    tags = _packed(value)
                    item["properties"] = {keys[k]: values[v] for k, v in zip(tags[::2], tags[1::2])}
            decoded.append(item)
        layers[name] = {"extent": extent, "features": decoded}
    return layers
