from django.urls import path

from gridmgmt.cases import api, kpi_api

ACTIONS = {
    "open": api.CaseOpen, "cancel": api.CaseCancel, "dispatch": api.CaseDispatch, "accept": api.CaseAccept,
    "assign": api.CaseAssign, "handle": api.CaseHandle, "verify": api.CaseVerify,
    "postpone": api.CasePostpone, "postpone-decision": api.CasePostponeDecision,
    "suspend": api.CaseSuspend, "resume": api.CaseResume, "merge": api.CaseMerge,
    "redispatch": api.CaseRedispatch, "return": api.CaseReturn, "reopen": api.CaseReopen,
    "self-handle": api.CaseSelfHandle,
}

urlpatterns = [
    path("cases/", api.CaseList.as_view(), name="case-list"),
    path("cases/dispatch-bulk/", api.CaseDispatchBulk.as_view(), name="case-dispatch-bulk"),
    path("cases/<int:case_id>/", api.CaseDetail.as_view(), name="case-detail"),
    *[path(f"cases/<int:case_id>/{name}/", view.as_view(), name=f"case-{name}") for name, view in ACTIONS.items()],
    path("notifications/", api.NotificationList.as_view(), name="notification-list"),
    path("notifications/<int:notification_id>/read/", api.NotificationRead.as_view(), name="notification-read"),
    path("kpis/", kpi_api.KpiView.as_view(), name="kpis"),
]
