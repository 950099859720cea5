from django.urls import path

from aduan.console.views import admin, auth, care, desk, inbox, queues, tickets

app_name = "console"

urlpatterns = [
    path("", auth.home, name="home"),
    path("login/", auth.LoginView.as_view(), name="login"),
    path("logout/", auth.LogoutView.as_view(), name="logout"),
    path("password/", auth.password_change, name="password_change"),
    path("desk/", desk.desk, name="desk"),
    path("desk/register/", desk.register, name="register"),
    path("desk/callers/<int:customer_id>/complaint/", desk.complaint, name="complaint"),
    path("queues/", queues.queue, name="queues"),
    path("queues/rows/", queues.queue_rows, name="queue_rows"),
    path("tickets/<str:reference>/", tickets.ticket, name="ticket"),
    path("tickets/<str:reference>/changed/", tickets.changed, name="ticket_changed"),
    path("tickets/<str:reference>/<slug:name>/", tickets.action, name="ticket_action"),
    path("attachments/<int:attachment_id>/", tickets.download, name="download"),
    path("inbox/", inbox.inbox, name="inbox"),
    path("inbox/<int:forwarding_id>/", inbox.forwarding, name="forwarding"),
    path("hard-complaints/", care.hard_complaints, name="hard_complaints"),
    path("callbacks/", care.callback_list, name="callbacks"),
    path("callbacks/<int:callback_id>/outcome/", care.callback_outcome, name="callback_outcome"),
    path("notifications/", care.notification_list, name="notifications"),
    path("notifications/read-all/", care.notifications_read_all, name="notifications_read_all"),
    path(
        "notifications/<int:notification_id>/read/",
        care.notification_read,
        name="notification_read",
    ),
    path("admin/", admin.index, name="admin"),
    path("admin/users/", admin.users, name="admin_users"),
    path("admin/users/new/", admin.user_edit, name="admin_user_new"),
    path("admin/users/<int:pk>/", admin.user_edit, name="admin_user_edit"),
    path("admin/<slug:section>/", admin.settings_list, name="admin_list"),
    path("admin/<slug:section>/new/", admin.settings_edit, name="admin_new"),
    path("admin/<slug:section>/<int:pk>/", admin.settings_edit, name="admin_edit"),
]
