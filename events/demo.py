"""Demo data: a realistic sosialisasi, a 4-session training program, ~50 fictional registrants.

Every person is fictional: NIKs are structurally valid but fake (relawan.fakes), phone numbers
random. Refuses to run twice (checks for the demo panitia account).
"""
from __future__ import annotations

import random
import secrets
import uuid
from datetime import date, datetime, timedelta

from sqlalchemy import select

from auth.models import Role, User
from events.models import (
    AgendaItem,
    Event,
    EventStatus,
    Registration,
    Speaker,
    TrainingProgram,
)
from events.services import registration as reg_service
from events.services.programs import enroll_relawan
from extensions import db
from relawan.fakes import fake_nik, fake_phone
from relawan.models import Kelurahan, Relawan, RelawanStatus, StatusChange
from timeutil import utcnow, wib_to_utc

DEMO_PANITIA = "panitia.demo@contoh.id"
FIRST = ["Siti", "Nurul", "Dewi", "Rina", "Euis", "Iis", "Neneng", "Ade", "Asep", "Ujang", "Dedi",
         "Yuli", "Eka", "Lilis", "Enok", "Imas", "Tati", "Heni", "Fitri", "Ratna", "Sri", "Rohmah",
         "Ahmad", "Rizki", "Hendra", "Yanti", "Mulyati", "Nining", "Ai", "Entin"]
LAST = ["Rohmawati", "Suryani", "Maulana", "Hidayat", "Nurjanah", "Saepudin", "Fauziah",
        "Kurniasih", "Setiawan", "Hasanah", "Mulyani", "Sobari", "Jaenudin", "Marlina", "Rahmawati",
        "Supriatna", "Khoerunnisa", "Fadilah"]
GUESTS = [("Kelurahan Cipare", "Kasi Kesejahteraan Sosial"), ("Puskesmas Ciruas", "Bidan koordinator"),
          ("SMP Negeri 2 Kota Serang", "Guru BK"), ("TP PKK Kecamatan Kasemen", "Ketua Pokja I"),
          ("Kantor Kementerian Agama Kota Serang", "Penyuluh agama"),
          ("Kelurahan Kagungan", "Lurah"), ("Puskesmas Kasemen", "Petugas promkes"),
          ("MUI Kota Serang", "Anggota Komisi Perempuan"), ("Forum Anak Kota Serang", "Pembina"),
          ("SMA Negeri 1 Kota Serang", "Wakasek Kesiswaan"), ("Kelurahan Unyur", "Kasi Pemerintahan"),
          ("TP PKK Kecamatan Taktakan", "Sekretaris"), ("Dinas Sosial Kota Serang", "Pekerja sosial"),
          ("Puskesmas Taktakan", "Bidan"), ("Kelurahan Banjar Agung", "Kader Posyandu")]


class DemoExists(Exception):
    """Demo data is already loaded."""


def _at(days: int, hhmm: str) -> datetime:
    """WIB wall-clock time `days` from today -> naive UTC."""
    d = date.today() + timedelta(days=days)
    h, m = map(int, hhmm.split(":"))
    return wib_to_utc(datetime(d.year, d.month, d.day, h, m))


def _user(role: str, name: str, email: str, phone: str | None = None, **kw) -> tuple[User, str]:
    password = secrets.token_urlsafe(9)
    user = User(name=name, email=email, phone=phone, role=role, **kw)
    user.set_password(password)
    db.session.add(user)
    return user, password


def _relawan(rng: random.Random, i: int, kelurahan: Kelurahan, status: str, used: set,
             panitia: User, user: User | None = None) -> Relawan:
    gender = "P" if rng.random() < 0.8 else "L"
    birth = date(rng.randint(1970, 2003), rng.randint(1, 12), rng.randint(1, 28))
    nik = fake_nik(rng, gender=gender, birth=birth, serial=9000 + i)
    while nik in used:
        nik = fake_nik(rng, gender=gender, birth=birth)
    used.add(nik)
    name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
    rel = Relawan(user=user, full_name=user.name if user else name, nik=nik, gender=gender,
                  birth_date=birth, address=f"Kp. {kelurahan.nama} RT 00{rng.randint(1, 9)}/RW 00{rng.randint(1, 5)}",
                  kelurahan_kode=kelurahan.kode, occupation=rng.choice(
                      ["Ibu rumah tangga", "Guru", "Wiraswasta", "Kader posyandu", "Mahasiswa"]),
                  organisation=rng.choice(["pkk", "karang_taruna", "kampus"]), status=RelawanStatus.CALON,
                  consent_version="demo", consent_at=utcnow(), card_token=secrets.token_urlsafe(18),
                  motivation="Ingin membantu perempuan dan anak di lingkungan saya.")
    db.session.add(rel)
    db.session.add(StatusChange(relawan=rel, from_status=None, to_status=RelawanStatus.CALON,
                                note="Pendaftaran daring (data demo)."))
    path = {RelawanStatus.TERVERIFIKASI: [RelawanStatus.TERVERIFIKASI],
            RelawanStatus.AKTIF: [RelawanStatus.TERVERIFIKASI, RelawanStatus.DALAM_PELATIHAN,
                                  RelawanStatus.AKTIF]}.get(status, [])
    prev = RelawanStatus.CALON
    for to in path:
        db.session.add(StatusChange(relawan=rel, from_status=prev, to_status=to, by_user=panitia,
                                    note="Data demo."))
        prev = to
    rel.status = prev
    return rel


def _speakers() -> dict[str, Speaker]:
    rows = {
        "wawali": Speaker(name="Wakil Wali Kota Serang", jabatan="Wakil Wali Kota",
                          instansi="Pemerintah Kota Serang", topics="Pembukaan, kebijakan daerah"),
        "rsud": Speaker(name="dr. Rina Marlina, Sp.FM (fiktif)", jabatan="Dokter spesialis forensik",
                        instansi="RSUD dr. Drajat Prawiranegara", phone="+6281211110001",
                        topics="Visum et repertum, penanganan medis korban kekerasan",
                        bio="Narasumber fiktif untuk data demo."),
        "ppa": Speaker(name="Iptu Dewi Kartika, S.H. (fiktif)", jabatan="Kanit PPA",
                       instansi="Unit PPA Satreskrim Polres Serang Kota", phone="+6281211110002",
                       topics="Pelaporan kasus, hukum acara pidana anak, UU TPKS",
                       bio="Narasumber fiktif untuk data demo."),
        "dp3akb": Speaker(name="Hj. Nurhayati, S.Sos., M.Si. (fiktif)",
                          jabatan="Kepala Bidang Perlindungan Perempuan dan Anak",
                          instansi="DP3AKB Kota Serang", phone="+6281211110003",
                          topics="Layanan P2TP2A, rujukan kasus, peran relawan",
                          bio="Narasumber fiktif untuk data demo."),
    }
    db.session.add_all(rows.values())
    return rows


def _agenda(event: Event, items: list[tuple[str, str, str, Speaker | None]], day: int) -> None:
    for pos, (start, end, topic, speaker) in enumerate(items, 1):
        db.session.add(AgendaItem(event=event, topic=topic, speaker=speaker, position=pos,
                                  starts_at=_at(day, start), ends_at=_at(day, end)))


def load_demo(seed: int = 2026) -> list[str]:
    """Create the demo dataset in the current session (caller commits). Returns summary lines."""
    if db.session.scalar(select(User.id).where(User.email == DEMO_PANITIA)):
        raise DemoExists("Data demo sudah dimuat (akun panitia.demo@contoh.id sudah ada).")
    if not db.session.scalar(select(Kelurahan.kode).limit(1)):
        from relawan.wilayah import load_default
        load_default()
    rng = random.Random(seed)
    panitia, pw_panitia = _user(Role.PANITIA, "Panitia Demo", DEMO_PANITIA, "+6281299990101")
    _koordinator, pw_koord = _user(Role.KOORDINATOR, "Koordinator PKK Demo", "koordinator.demo@contoh.id",
                                  "+6281299990102", kecamatan_kode="36.73.02")
    demo_rel_user, pw_rel = _user(Role.RELAWAN, "Relawan Demo", "relawan.demo@contoh.id", "+6281299990103")
    db.session.flush()

    kelurahan = db.session.scalars(select(Kelurahan).order_by(Kelurahan.kode)).all()
    by_kec: dict[str, list[Kelurahan]] = {}
    for k in kelurahan:
        by_kec.setdefault(k.kecamatan_kode, []).append(k)
    kec_codes = sorted(by_kec)
    used: set[str] = set()
    statuses = ([RelawanStatus.TERVERIFIKASI] * 20 + [RelawanStatus.AKTIF] * 10
                + [RelawanStatus.CALON] * 6)
    relawan_list = []
    for i, status in enumerate(statuses):
        kel = rng.choice(by_kec[kec_codes[i % len(kec_codes)]])
        relawan_list.append(_relawan(rng, i, kel, status, used, panitia))
    demo_rel = _relawan(rng, 99, by_kec[kec_codes[0]][0], RelawanStatus.TERVERIFIKASI, used, panitia,
                        user=demo_rel_user)
    db.session.flush()

    speakers = _speakers()
    sos = Event(kind="sosialisasi", status=EventStatus.PUBLISHED, created_by_id=panitia.id,
                title="Sosialisasi Pencegahan Kekerasan terhadap Perempuan dan Anak",
                description=("Sosialisasi bagi kader PKK, relawan, tokoh masyarakat, sekolah dan aparatur "
                             "kelurahan tentang pencegahan kekerasan terhadap perempuan dan anak, cara "
                             "melapor, dan layanan P2TP2A Kota Serang.\nDibuka oleh Wakil Wali Kota Serang."),
                venue_name="Aula Gedung PKPRI Kota Serang", venue_address="Kota Serang, Banten",
                starts_at=_at(10, "08:00"), ends_at=_at(10, "12:30"), capacity=60, seats_taken=0,
                registration_closes_at=_at(9, "23:59"), allow_guests=True, allow_walk_ins=True,
                organiser_name="Sekretariat P2TP2A", organiser_phone="+6281299990101")
    db.session.add(sos)
    _agenda(sos, [("07:30", "08:00", "Registrasi peserta", None),
                  ("08:00", "08:30", "Pembukaan dan sambutan Wakil Wali Kota Serang", speakers["wawali"]),
                  ("08:30", "09:30", "Layanan P2TP2A dan alur rujukan kasus", speakers["dp3akb"]),
                  ("09:30", "10:30", "Penanganan medis dan visum et repertum bagi korban", speakers["rsud"]),
                  ("10:30", "11:30", "Melapor ke Unit PPA: prosedur dan perlindungan korban", speakers["ppa"]),
                  ("11:30", "12:30", "Diskusi dan tanya jawab", None)], 10)

    program = TrainingProgram(title="Pelatihan Calon Relawan P2TP2A 2026", status=EventStatus.PUBLISHED,
                              completion_rule="all_required", created_by_id=panitia.id,
                              description="Empat sesi pelatihan dasar bagi calon relawan: konsep gender dan "
                                          "kekerasan, pendampingan korban, aspek hukum, dan praktik rujukan.")
    db.session.add(program)
    topics = [("Konsep gender dan bentuk kekerasan", speakers["dp3akb"]),
              ("Pendampingan korban dan pertolongan pertama psikologis", speakers["rsud"]),
              ("Aspek hukum: UU PKDRT, UU Perlindungan Anak, UU TPKS", speakers["ppa"]),
              ("Praktik penanganan kasus dan rujukan", speakers["dp3akb"])]
    sessions = []
    for n, (topic, speaker) in enumerate(topics, 1):
        day = 3 + 7 * n
        s = Event(kind="pelatihan", status=EventStatus.PUBLISHED, program=program, program_order=n,
                  required=True, title=f"Sesi {n}: {topic}", venue_name="Ruang Rapat DP3AKB Kota Serang",
                  venue_address="Kota Serang, Banten", starts_at=_at(day, "13:00"), ends_at=_at(day, "16:00"),
                  capacity=30, seats_taken=0, allow_walk_ins=False, created_by_id=panitia.id,
                  organiser_name="Sekretariat P2TP2A")
        db.session.add(s)
        _agenda(s, [("13:00", "15:00", topic, speaker), ("15:00", "16:00", "Praktik dan diskusi kelompok", None)], day)
        sessions.append(s)
    rakor = Event(kind="rakor", status=EventStatus.PUBLISHED, created_by_id=panitia.id,
                  title="Rapat Koordinasi Relawan dan Kader PKK Se-Kota Serang",
                  venue_name="Aula DP3AKB Kota Serang", venue_address="Kota Serang, Banten",
                  starts_at=_at(21, "09:00"), ends_at=_at(21, "12:00"), capacity=40, seats_taken=0)
    db.session.add(rakor)
    db.session.flush()

    # Sosialisasi: 35 relawan + 15 guests with instansi (50 registrants).
    for rel in relawan_list[:35]:
        reg_service.register_relawan(sos, rel)
    for i, (instansi, jabatan) in enumerate(GUESTS):
        reg_service.register_guest(sos, name=f"{rng.choice(FIRST)} {rng.choice(LAST)}", instansi=instansi,
                                   jabatan=jabatan, phone=fake_phone(rng, n=70_000_000 + i),
                                   kelurahan_kode=rng.choice(kelurahan).kode)
    # Training: 20 terverifikasi relawan + the demo relawan enrol (-> dalam_pelatihan).
    for rel in relawan_list[:20] + [demo_rel]:
        enroll_relawan(program, rel, by_user=panitia)
    for rel in relawan_list[20:30]:
        reg_service.register_relawan(rakor, rel)

    # Session 1 took place last week: move it into the past and record check-ins.
    checkins = 0
    s1 = sessions[0]
    s1.starts_at, s1.ends_at = _at(-6, "13:00"), _at(-6, "16:00")
    for item in s1.agenda:
        item.starts_at -= timedelta(days=16)
        if item.ends_at:
            item.ends_at -= timedelta(days=16)
    db.session.flush()
    try:
        from events.checkin_models import CheckIn
        regs = db.session.scalars(select(Registration).where(Registration.event_id == s1.id)).all()
        for reg in regs[: int(len(regs) * 0.85)]:
            at = s1.starts_at + timedelta(minutes=rng.randint(-20, 25))
            db.session.add(CheckIn(registration_id=reg.id, event_id=s1.id, scan_id=str(uuid.uuid4()),
                                   scanned_at=at, recorded_at=at, by_user_id=panitia.id, method="qr"))
            checkins += 1
        db.session.flush()
    except Exception as exc:  # noqa: BLE001 - check-in model not usable yet: demo still loads
        checkins = f"0 (model check-in belum siap: {exc.__class__.__name__})"
    return [
        "Data demo dimuat (semua orang fiktif; NIK palsu yang lolos cek struktur).",
        f"  Kegiatan: {sos.title} ({sos.venue_name}), 50 pendaftar",
        f"  Program: {program.title}, 4 sesi, 21 peserta; {checkins} check-in di sesi 1",
        f"  Rakor: {rakor.title}, 10 pendaftar",
        f"  Relawan: {len(relawan_list) + 1} di 6 kecamatan; narasumber: {len(speakers)}",
        "Akun demo (catat kata sandi ini; tidak ditampilkan lagi):",
        f"  panitia     : {DEMO_PANITIA} / {pw_panitia}",
        f"  koordinator : koordinator.demo@contoh.id / {pw_koord} (Kecamatan Kasemen)",
        f"  relawan     : relawan.demo@contoh.id / {pw_rel}",
    ]
