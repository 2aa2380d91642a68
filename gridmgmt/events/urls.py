from django.urls import path

from gridmgmt.events import api

urlpatterns = [
    path("events/", api.EventListCreate.as_view(), name="event-list"),
    path("events/duplicates", api.DuplicateSuggestions.as_view(), name="event-duplicates"),
    path("events/<int:pk>/", api.EventDetail.as_view(), name="event-detail"),
]
