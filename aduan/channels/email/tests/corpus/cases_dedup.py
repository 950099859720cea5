# ruff: noqa: E501
# (A data file: raw mail lines are as long as mailers make them.)
"""Issue 8 corpus cases: what is one message, and mail from machines.

- different messages that share a Message-ID (a client or tool that reuses them): each is
  stored and processed, threaded by its other headers;
- the same message delivered again through other relays and mailboxes (other Received,
  Delivered-To, authentication headers, CRLF line endings): a duplicate, stored once;
- bounces that also carry ``Auto-Submitted`` (still bounces: the mail of ours they return is
  marked ``bounced``), and a delay notice (marks nothing);
- notifications from other tools that only set their own ``X-`` headers (a ticket, no
  acknowledgement), and monitoring mail marked ``Auto-Submitted: auto-generated`` (ignored,
  unless the mailbox accepts it: then a ticket, never answered).

Manifest keys these cases add: ``duplicate_of`` (the file this one is a repeated delivery
of), ``accept_auto_generated`` (ingest as from a mailbox that accepts auto-generated mail) and
``returns_sent`` (a mail of ours, sent with this Message-ID before the case runs, and the
status it must have afterwards).
"""

from __future__ import annotations

from aduan.channels.email.tests.corpus.kit import (
    CASES,
    PNG,
    REF,
    add,
    head,
    mixed,
    sha256,
    text_plain,
)

RINA = "Rina Marlina <rina@contoh.co.id>"
REUSED_ID = "<20260303.0001@mail.contoh.co.id>"


def _same_message_id() -> None:
    add(
        "dedup_reused_id_first",
        head(sender=RINA, subject="AC di ruang rapat bocor", message_id=REUSED_ID)
        + text_plain("AC di ruang rapat lantai 2 meneteskan air ke meja.\n\nRina\n"),
        "The first of several messages a broken client sent with one Message-ID.",
        status="processed",
        outcome="created",
        sender="rina@contoh.co.id",
        subject="AC di ruang rapat bocor",
        text_contains=["AC di ruang rapat lantai 2 meneteskan air ke meja."],
        ack=True,
    )
    add(
        "dedup_reused_id_other_message",
        head(sender=RINA, subject="Proyektor ruang 2 tidak menyala", message_id=REUSED_ID).replace(
            "Date: Tue, 03 Mar 2026 09:15:00 +0700", "Date: Tue, 03 Mar 2026 11:40:00 +0700"
        )
        + mixed(
            text_plain("Proyektor di ruang 2 tidak mau menyala, foto lampunya terlampir.\n"),
            (
                'Content-Type: image/png; name="lampu.png"\nContent-Disposition: attachment; filename="lampu.png"',
                "lampu.png",
                PNG,
            ),
        ),
        "Another message with the same Message-ID: stored and processed as its own, a ticket of its own (no In-Reply-To, References or reference ties it to the first).",
        status="processed",
        outcome="created",
        after=["dedup_reused_id_first.eml"],
        message_id=REUSED_ID,
        sender="rina@contoh.co.id",
        subject="Proyektor ruang 2 tidak menyala",
        text_contains=["Proyektor di ruang 2 tidak mau menyala"],
        attachments=[
            {
                "filename": "lampu.png",
                "content_type": "image/png",
                "accepted": True,
                "sha256": sha256(PNG),
                "size": len(PNG),
            }
        ],
        ack=True,
    )
    add(
        "dedup_reused_id_reply",
        head(
            sender=RINA, subject=f"Re: [{REF}] AC di ruang rapat bocor", message_id=REUSED_ID
        ).replace("Date: Tue, 03 Mar 2026 09:15:00 +0700", "Date: Wed, 04 Mar 2026 08:05:00 +0700")
        + text_plain("Sekarang airnya sudah sampai ke lantai.\n"),
        "The same Message-ID once more, on a reply that names the first ticket's reference: threaded by its subject onto that ticket.",
        status="processed",
        outcome="appended",
        after=["dedup_reused_id_first.eml"],
        message_id=REUSED_ID,
        sender="rina@contoh.co.id",
        text_contains=["Sekarang airnya sudah sampai ke lantai."],
    )


def _redelivered() -> None:
    original = head(
        sender="Agus Salim <agus@contoh.co.id>",
        subject="Wi-Fi asrama putus-putus",
        message_id="<CAF=wifi.asrama.77@mail.contoh.co.id>",
        extra="DKIM-Signature: v=1; a=rsa-sha256; d=contoh.co.id; s=mail; bh=wifiasrama=;\n b=AbCdEf0123456789",
    ) + text_plain("Wi-Fi di asrama blok C putus setiap 10 menit sejak Senin.   \n\nAgus\n")
    add(
        "dedup_redelivered_original",
        original,
        "A message as the first mailbox received it.",
        status="processed",
        outcome="created",
        sender="agus@contoh.co.id",
        subject="Wi-Fi asrama putus-putus",
        text_contains=["Wi-Fi di asrama blok C putus setiap 10 menit sejak Senin."],
        ack=True,
    )
    relayed = (
        "Return-Path: <agus@contoh.co.id>\n"
        "Delivered-To: support@aduan.test\n"
        "X-Original-To: helpdesk-alias@aduan.test\n"
        "Received: from mx2.aduan.test (mx2.aduan.test [198.51.100.20])\n\tby imap.aduan.test (Dovecot) with LMTP id 9xq; Tue, 03 Mar 2026 09:16:02 +0700\n"
        "Received: from relay.contoh.co.id (relay.contoh.co.id [203.0.113.9])\n\tby mx2.aduan.test (Postfix) with ESMTPS id 4Zk; Tue, 03 Mar 2026 09:16:01 +0700\n"
        "Authentication-Results: mx2.aduan.test; dkim=pass header.d=contoh.co.id; spf=pass\n"
        "ARC-Seal: i=1; a=rsa-sha256; d=relay.contoh.co.id; s=arc; cv=none; b=Zz9\n"
        "X-Spam-Status: No, score=-0.1 required=5.0\n"
    ) + "".join(
        line + "\n"
        for line in original.splitlines()
        if not line.startswith(("Return-Path:", "Received:"))
    )
    add(
        "dedup_redelivered_other_mailbox",
        # CRLF, as an IMAP server hands it over, and a trailing blank line a relay added.
        (relayed + "\n").replace("\n", "\r\n"),
        "The same message through another relay into another mailbox: other Received, Return-Path, Delivered-To, X-Original-To, authentication and spam headers, CRLF line endings. A duplicate: counted, stored and processed once.",
        status="processed",
        after=["dedup_redelivered_original.eml"],
        duplicate_of="dedup_redelivered_original.eml",
        sender="agus@contoh.co.id",
        subject="Wi-Fi asrama putus-putus",
        text_contains=["Wi-Fi di asrama blok C putus setiap 10 menit sejak Senin."],
    )
    base = next(case for case in CASES if case["file"] == "missing_message_id.eml")
    add(
        "dedup_redelivered_without_message_id",
        b"Delivered-To: helpdesk@aduan.test\nReceived: from mx3.aduan.test by imap.aduan.test; Tue, 03 Mar 2026 10:00:00 +0700\n"
        + base["_raw"],
        "A message without a Message-ID delivered again with trace headers added: the made-up Message-ID comes from the fingerprint, so it is a duplicate too.",
        status="processed",
        after=["missing_message_id.eml"],
        duplicate_of="missing_message_id.eml",
        sender="tanpaid@contoh.co.id",
        subject="No Message-ID",
        text_contains=["Pesan tanpa Message-ID."],
        message_id_suffix="@no-message-id.invalid>",
    )


def _report(boundary: str, text: str, status_fields: str, returned_id: str) -> str:
    return (
        f'Content-Type: multipart/report; report-type=delivery-status; boundary="{boundary}"\n\n'
        f"--{boundary}\nContent-Type: text/plain; charset=us-ascii\n\n{text}\n"
        f"--{boundary}\nContent-Type: message/delivery-status\n\n"
        f"Reporting-MTA: dns; mx.contoh.co.id\nArrival-Date: Tue, 03 Mar 2026 09:20:00 +0700\n\n"
        f"{status_fields}\n"
        f"--{boundary}\nContent-Type: text/rfc822-headers\n\n"
        f"From: Aduan <aduan@localhost>\nTo: hilang@contoh.co.id\nSubject: [ADU-2026-000001] Keluhan diterima\n"
        f"Message-ID: {returned_id}\nAuto-Submitted: auto-replied\n\n"
        f"--{boundary}--\n"
    )


def _bounces() -> None:
    returned = "<aduan.corpus-bounce-1@aduan.test>"
    add(
        "bounce_dsn_auto_submitted",
        head(
            sender="Mail Delivery System <MAILER-DAEMON@mx.contoh.co.id>",
            subject="Undelivered Mail Returned to Sender",
            message_id="<20260303092001.A1@mx.contoh.co.id>",
            extra="Auto-Submitted: auto-replied",
        ).replace("Return-Path: <MAILER-DAEMON@mx.contoh.co.id>", "Return-Path: <>")
        + _report(
            "dsn1",
            "Your message could not be delivered to hilang@contoh.co.id:\n550 5.1.1 User unknown",
            "Final-Recipient: rfc822; hilang@contoh.co.id\nAction: failed\nStatus: 5.1.1\n"
            "Diagnostic-Code: smtp; 550 5.1.1 User unknown",
            returned,
        ),
        "A delivery status report (RFC 3464) that also says Auto-Submitted: still a bounce, and our acknowledgement it returns is marked bounced.",
        status="ignored",
        reason="bounce",
        text_contains=["550 5.1.1 User unknown"],
        returns_sent={"message_id": returned, "status": "bounced"},
    )
    in_reply_to = "<aduan.corpus-bounce-2@aduan.test>"
    add(
        "bounce_plain_auto_submitted_in_reply_to",
        head(
            sender="Mail Delivery System <Mailer-Daemon@relay.contoh.co.id>",
            subject="Mail delivery failed: returning message to sender",
            message_id="<E1bounce-0002@relay.contoh.co.id>",
            extra=f"Auto-Submitted: auto-replied\nX-Failed-Recipients: pindah@contoh.co.id\nIn-Reply-To: {in_reply_to}",
        )
        + text_plain(
            "This message was created automatically by mail delivery software.\n\n"
            "A message that you sent could not be delivered to one or more of its\nrecipients. This is a permanent error.\n\n"
            "  pindah@contoh.co.id\n    mailbox is full: quota exceeded\n"
        ),
        "An Exim-style plain-text bounce with Auto-Submitted and X-Failed-Recipients, naming our mail only in In-Reply-To: marked bounced all the same.",
        status="ignored",
        reason="bounce",
        text_contains=["mailbox is full: quota exceeded"],
        returns_sent={"message_id": in_reply_to, "status": "bounced"},
    )
    delayed = "<aduan.corpus-delay@aduan.test>"
    add(
        "dsn_delayed",
        head(
            sender="Mail Delivery System <MAILER-DAEMON@mx.contoh.co.id>",
            subject="Delayed Mail (still being retried)",
            message_id="<20260303132001.D1@mx.contoh.co.id>",
            extra=f"Auto-Submitted: auto-replied\nIn-Reply-To: {delayed}",
        ).replace("Return-Path: <MAILER-DAEMON@mx.contoh.co.id>", "Return-Path: <>")
        + _report(
            "dsn2",
            "This is the mail system at host mx.contoh.co.id.\n\n####################################################################\n"
            "# THIS IS A WARNING ONLY.  YOU DO NOT NEED TO RESEND YOUR MESSAGE. #\n"
            "####################################################################\n\nDelivery to lambat@contoh.co.id is delayed: connection timed out.",
            "Final-Recipient: rfc822; lambat@contoh.co.id\nAction: delayed\nStatus: 4.4.1\n"
            "Diagnostic-Code: X-Postfix; connect to mail.lambat.test[192.0.2.1]:25: Connection timed out\n"
            "Will-Retry-Until: Sat, 7 Mar 2026 09:20:00 +0700",
            delayed,
        ),
        "A delay notice (Action: delayed): ignored, no ticket, no answer, and the mail it is about stays sent.",
        status="ignored",
        reason="delay",
        text_contains=["THIS IS A WARNING ONLY."],
        returns_sent={"message_id": delayed, "status": "sent"},
    )


def _tools() -> None:
    add(
        "tool_jira_notification",
        head(
            sender="Jira Kampus <jira@contoh.atlassian.net>",
            subject="[JIRA] (LAB-112) Komputer lab 3 tidak bisa login",
            message_id="<JIRA.10112.1709431200000@Atlassian.JIRA>",
            extra="X-JIRA-FingerPrint: 4a5b6c7d8e9f00112233445566778899\nX-Atlassian-Mail-Message-Id: 7f1e2d3c",
        )
        + text_plain(
            "Dewi Lestari created LAB-112:\n\nKomputer lab 3 tidak bisa login sejak pembaruan Windows.\n"
        ),
        "An issue tracker's notification with only its own X- headers (no Auto-Submitted, no Precedence): a ticket, but no acknowledgement.",
        status="processed",
        outcome="created",
        sender="jira@contoh.atlassian.net",
        customer_name="Jira Kampus",
        subject="[JIRA] (LAB-112) Komputer lab 3 tidak bisa login",
        text_contains=["Komputer lab 3 tidak bisa login sejak pembaruan Windows."],
        ack=False,
    )
    add(
        "tool_gitlab_pipeline",
        head(
            sender="GitLab <gitlab@git.contoh.co.id>",
            subject="Failed pipeline for main | portal-akademik | 8f3a2c1d",
            message_id="<pipeline-4411@git.contoh.co.id>",
            extra="X-GitLab-Project: portal-akademik\nX-GitLab-Pipeline-Id: 4411\nX-GitLab-Pipeline-Status: failed",
        )
        + "Content-Type: text/html; charset=utf-8\n\n"
        "<html><body><p>Your pipeline has failed.</p><p>Job <b>deploy</b> failed after 3 minutes.</p></body></html>\n",
        "A CI notification (HTML only) recognised by a prefix of the header list (X-GitLab-*): a ticket, no acknowledgement.",
        status="processed",
        outcome="created",
        sender="gitlab@git.contoh.co.id",
        subject="Failed pipeline for main | portal-akademik | 8f3a2c1d",
        text_contains=["Your pipeline has failed.", "Job deploy failed after 3 minutes."],
        ack=False,
    )


def _monitoring() -> None:
    def alert(message_id: str, extra: str = "") -> str:
        return head(
            sender="Zabbix NOC <zabbix@noc.contoh.co.id>",
            subject="Problem: Disk space is low on srv-db01",
            message_id=message_id,
            extra="Auto-Submitted: auto-generated" + extra,
        ) + mixed(
            text_plain(
                "Problem started at 09:12:40 on 2026.03.03\nProblem name: /var: Disk space is low (used > 90%)\nHost: srv-db01\nSeverity: Warning\n"
            ),
            (
                'Content-Type: image/png; name="graph.png"\nContent-Disposition: attachment; filename="graph.png"',
                "graph.png",
                PNG,
            ),
        )

    add(
        "monitoring_auto_generated",
        alert("<zabbix.alert.5501@noc.contoh.co.id>"),
        "Monitoring mail marked Auto-Submitted: auto-generated, to a mailbox that does not accept it (the default): ignored.",
        status="ignored",
        reason="auto_submitted",
        text_contains=["Problem name: /var: Disk space is low (used > 90%)"],
    )
    add(
        "monitoring_auto_generated_accepted",
        alert("<zabbix.alert.5502@noc.contoh.co.id>"),
        "The same kind of alert to a mailbox that accepts auto-generated mail: a ticket with its graph, never acknowledged.",
        accept_auto_generated=True,
        status="processed",
        outcome="created",
        sender="zabbix@noc.contoh.co.id",
        customer_name="Zabbix NOC",
        subject="Problem: Disk space is low on srv-db01",
        text_contains=["Host: srv-db01"],
        attachments=[
            {
                "filename": "graph.png",
                "content_type": "image/png",
                "accepted": True,
                "sha256": sha256(PNG),
                "size": len(PNG),
            }
        ],
        ack=False,
    )
    add(
        "auto_replied_to_accepting_mailbox",
        head(
            sender="Siti Aminah <siti@contoh.co.id>",
            subject="Cuti sampai 10 Maret",
            message_id="<vacation.8812@contoh.co.id>",
            extra="Auto-Submitted: auto-replied",
        )
        + text_plain("Saya sedang cuti sampai 10 Maret dan akan membalas setelahnya.\n"),
        "An auto-reply to a mailbox that accepts auto-generated mail: auto-replied mail is still ignored.",
        accept_auto_generated=True,
        status="ignored",
        reason="auto_submitted",
        text_contains=["Saya sedang cuti sampai 10 Maret"],
    )


def write() -> None:
    """Add this category's cases to the corpus (called by make_corpus.main)."""
    _same_message_id()
    _redelivered()
    _bounces()
    _tools()
    _monitoring()
