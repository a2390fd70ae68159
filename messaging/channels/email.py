"""Email over SMTP (MAIL_* settings), the MIME built by the standard library's EmailMessage."""
from __future__ import annotations

import smtplib
from email.message import EmailMessage
from email.utils import make_msgid

from messaging.channels.base import Outgoing, SendError

TIMEOUT = 20  # seconds for connect and each SMTP command; the worker, not a web request, waits


class EmailChannel:
    name = "email"

    def missing(self, config) -> list[str]:
        """MAIL_SERVER is the one setting without which nothing can be sent."""
        return [] if config.get("MAIL_SERVER") else ["MAIL_SERVER"]

    def send(self, message: Outgoing, config) -> str:
        """Send one plain-text email with its attachments; the Message-ID is the provider id."""
        msg = EmailMessage()
        msg["From"] = config.get("MAIL_FROM")
        msg["To"] = message.recipient
        msg["Subject"] = message.subject or ""
        domain = (config.get("MAIL_FROM") or "localhost").rpartition("@")[2] or None
        msg["Message-ID"] = msgid = make_msgid(domain=domain)
        msg.set_content(message.body)
        for att in message.attachments:
            maintype, subtype = att.mime.split("/", 1)
            msg.add_attachment(att.data, maintype=maintype, subtype=subtype, filename=att.filename)
        try:
            with smtplib.SMTP(config["MAIL_SERVER"], config.get("MAIL_PORT", 587),
                              timeout=TIMEOUT) as smtp:
                if config.get("MAIL_USE_TLS"):
                    smtp.starttls()
                if config.get("MAIL_USERNAME"):
                    smtp.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD", ""))
                smtp.send_message(msg)
        except smtplib.SMTPRecipientsRefused as exc:
            code, text = next(iter(exc.recipients.values()))
            raise SendError(f"SMTP {code}: {_text(text)}", permanent=500 <= code < 600) from exc
        except smtplib.SMTPResponseException as exc:
            raise SendError(f"SMTP {exc.smtp_code}: {_text(exc.smtp_error)}",
                            permanent=500 <= exc.smtp_code < 600 and exc.smtp_code != 530) from exc
        except (TimeoutError, smtplib.SMTPException, OSError) as exc:
            raise SendError(f"SMTP tidak dapat dihubungi: {exc}") from exc
        return msgid.strip("<>")


def _text(value) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)
