"""The demo organisation: its structure, people and Indonesian complaint texts.

Used by ``aduan demo`` (through the services, so every demo ticket has a real timeline) and
by ``aduan seed`` (bulk rows for benchmarks).
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from aduan.organisation.models import ChannelKind, TeamKind

ORGANISATION = "Pusat Layanan Pengaduan Nusantara"

TEAMS: list[tuple[str, str, str]] = [
    ("helpdesk", "Helpdesk (lini depan)", TeamKind.HELPDESK),
    ("support", "Tim Pendukung", TeamKind.SUPPORT),
    ("management", "Manajemen", TeamKind.MANAGEMENT),
    ("div-network", "Divisi Jaringan", TeamKind.DIVISION),
    ("div-sysinfo", "Divisi Sistem Informasi", TeamKind.DIVISION),
    ("div-finance", "Divisi Keuangan", TeamKind.DIVISION),
    ("div-service", "Divisi Layanan Pelanggan", TeamKind.DIVISION),
]

# code, name, default team, technical, likely division
CATEGORIES: list[tuple[str, str, str, bool, str]] = [
    ("network", "Jaringan & Internet", "helpdesk", True, "div-network"),
    ("email", "Email & Akun", "helpdesk", True, "div-sysinfo"),
    ("academic-system", "Sistem Informasi Akademik", "helpdesk", True, "div-sysinfo"),
    ("billing", "Tagihan & Pembayaran", "helpdesk", False, "div-finance"),
    ("certificate", "Sertifikat & Dokumen", "helpdesk", False, "div-service"),
    ("service", "Pelayanan Petugas", "helpdesk", False, "div-service"),
]

# code, name, rank, response hours, resolution hours, default
PRIORITIES: list[tuple[str, str, int, int, int, bool]] = [
    ("critical", "Kritis", 1, 1, 8, False),
    ("high", "Tinggi", 2, 2, 24, False),
    ("normal", "Sedang", 3, 4, 72, True),
    ("low", "Rendah", 4, 8, 168, False),
]

CHANNELS: list[tuple[str, str, str]] = [
    ("walk-in", "Datang langsung", ChannelKind.WALK_IN),
    ("phone", "Telepon 021-500-005", ChannelKind.PHONE),
    ("letter", "Surat", ChannelKind.LETTER),
    ("fax", "Faks 021-7401727", ChannelKind.FAX),
    ("email", "Email helpdesk", ChannelKind.EMAIL),
    ("web", "Portal web", ChannelKind.WEB),
    ("chat", "Chat / messenger", ChannelKind.CHAT),
    ("sms", "SMS", ChannelKind.SMS),
    ("twitter", "Twitter @desk_aduan", ChannelKind.SOCIAL),
    ("facebook", "Facebook", ChannelKind.SOCIAL),
    ("survey", "Hasil survei", ChannelKind.SURVEY),
]

# username, first name, last name, role, teams
PEOPLE: list[tuple[str, str, str, str, list[str]]] = [
    ("admin", "Adi", "Pratama", "admin", []),
    ("agent", "Sari", "Wulandari", "agent", ["helpdesk"]),
    ("leader", "Rudi", "Hartono", "leader", ["helpdesk"]),
    ("support", "Dewi", "Lestari", "agent", ["support"]),
    ("division", "Bambang", "Susilo", "division", ["div-network"]),
    ("coordinator", "Asri", "Sinta", "coordinator", ["helpdesk"]),
    ("verificator", "Hasiholan", "Siregar", "verificator", []),
    ("director", "Agus", "Hidayat", "director", ["management"]),
    ("customer", "Budi", "Santoso", "customer", []),
]

FIRST_NAMES = [
    "Budi",
    "Siti",
    "Agus",
    "Dewi",
    "Rina",
    "Andi",
    "Eko",
    "Sri",
    "Joko",
    "Wati",
    "Yusuf",
    "Putri",
    "Hendra",
    "Nur",
    "Rizky",
    "Ayu",
    "Bayu",
    "Indah",
    "Fajar",
    "Lestari",
    "Dian",
    "Teguh",
    "Maya",
    "Arif",
    "Ratna",
    "Slamet",
    "Wahyu",
    "Fitri",
    "Gilang",
    "Kartika",
]
LAST_NAMES = [
    "Santoso",
    "Wijaya",
    "Saputra",
    "Hidayat",
    "Kurniawan",
    "Setiawan",
    "Pratama",
    "Nugroho",
    "Lestari",
    "Susanto",
    "Rahmawati",
    "Siregar",
    "Simanjuntak",
    "Nasution",
    "Harahap",
    "Wibowo",
    "Purnomo",
    "Hakim",
    "Suryadi",
    "Utami",
]
INSTITUTIONS = [
    "SMA Negeri 1 Malang",
    "SMK Negeri 2 Bandung",
    "Universitas Nusantara",
    "SD Negeri 5 Depok",
    "Dinas Pendidikan Kota Bogor",
    "PT Sinar Elektrika",
    "CV Maju Jaya",
    "SMP Negeri 3 Solo",
    "Politeknik Negeri Jakarta",
    "Madrasah Aliyah Al-Hikmah",
    "",
    "",
    "",
    "",
]
AREA_CODES = ["021", "022", "0341", "0291", "031", "0274", "024", "061"]
MOBILE_PREFIXES = ["0812", "0813", "0821", "0822", "0852", "0853", "0857", "0878", "0896"]

# category code -> (subject, description) templates
COMPLAINTS: dict[str, list[tuple[str, str]]] = {
    "network": [
        (
            "Internet sekolah mati sejak pagi",
            "Koneksi internet di laboratorium komputer mati sejak pukul 07.00. Lampu modem menyala "
            "merah. Ujian daring dijadwalkan siang ini, mohon segera dibantu.",
        ),
        (
            "Wi-Fi kampus sering putus",
            "Wi-Fi di gedung B putus setiap 10 menit. Sudah dicoba di beberapa laptop, hasilnya "
            "sama. Mohon diperiksa access point di lantai 2.",
        ),
        (
            "Kecepatan internet sangat lambat",
            "Kecepatan unduh hanya 1 Mbps padahal paket 50 Mbps. Sudah restart router tetapi "
            "tidak ada perubahan.",
        ),
        (
            "Tidak bisa mengakses situs Jardiknas",
            "Sejak kemarin situs Jardiknas tidak bisa dibuka dari jaringan sekolah, muncul pesan "
            "'connection timed out'.",
        ),
    ],
    "email": [
        (
            "Lupa kata sandi email institusi",
            "Saya lupa kata sandi email institusi dan tautan reset tidak pernah sampai. Mohon "
            "bantuan untuk mengatur ulang.",
        ),
        (
            "Email tidak bisa mengirim lampiran",
            "Setiap mengirim email dengan lampiran PDF 3 MB muncul pesan gagal. Mohon dicek "
            "batas ukuran lampiran.",
        ),
        (
            "Akun terkunci setelah salah kata sandi",
            "Akun saya terkunci setelah tiga kali salah memasukkan kata sandi. Saya perlu akses "
            "hari ini untuk mengirim laporan.",
        ),
    ],
    "academic-system": [
        (
            "Nilai tidak muncul di SIAKAD",
            "Nilai semester ganjil mata kuliah Statistika belum muncul di SIAKAD padahal dosen "
            "sudah mengunggah. Mohon diperiksa.",
        ),
        (
            "Gagal mengisi KRS",
            "Saat menyimpan KRS muncul pesan 'terjadi kesalahan'. Batas pengisian KRS tinggal "
            "dua hari lagi.",
        ),
        (
            "Data siswa tidak tersinkron di Dapodik",
            "Data 12 siswa baru belum tersinkron ke Dapodik walaupun sudah dikirim ulang tiga "
            "kali.",
        ),
    ],
    "billing": [
        (
            "Tagihan ganda bulan ini",
            "Saya ditagih dua kali untuk periode yang sama. Bukti transfer terlampir. Mohon "
            "pengembalian dana untuk tagihan kedua.",
        ),
        (
            "Pembayaran belum terkonfirmasi",
            "Sudah membayar melalui transfer bank tiga hari lalu tetapi status masih 'belum "
            "dibayar'.",
        ),
        (
            "Permintaan faktur pajak",
            "Mohon dikirimkan faktur pajak untuk pembayaran jasa konsultasi bulan lalu.",
        ),
    ],
    "certificate": [
        (
            "SLO belum terbit setelah 3 minggu",
            "Pengajuan Sertifikat Laik Operasi sudah tiga minggu belum terbit. Semua dokumen "
            "teknis sudah kami lengkapi.",
        ),
        (
            "Sertifikat pelatihan salah nama",
            "Nama pada sertifikat pelatihan ISO 9001 tertulis salah. Mohon diterbitkan ulang.",
        ),
        (
            "Sertifikat belum dikirim",
            "Sertifikat hasil audit belum kami terima padahal sudah dijanjikan minggu lalu.",
        ),
    ],
    "service": [
        (
            "Petugas tidak ramah",
            "Petugas di loket layanan berbicara dengan nada tinggi dan tidak menjelaskan "
            "prosedur dengan jelas. Mohon ditindaklanjuti.",
        ),
        (
            "Janji penjadwalan ulang tidak ditepati",
            "Petugas berjanji menelepon kembali kemarin untuk jadwal kunjungan, tetapi tidak ada "
            "kabar sama sekali.",
        ),
        (
            "Antrean telepon terlalu lama",
            "Saya menunggu 40 menit di antrean telepon dan sambungan terputus. Ini sudah ketiga "
            "kalinya.",
        ),
    ],
}

REPLIES = [
    "Terima kasih atas laporannya. Kami sedang memeriksa masalah ini.",
    "Mohon maaf atas ketidaknyamanannya. Tim kami sedang menangani laporan Anda.",
    "Laporan Anda sudah kami teruskan ke divisi terkait.",
]
NOTES = [
    "Pelanggan sudah dihubungi, menunggu konfirmasi.",
    "Perlu pengecekan ke lokasi.",
    "Kasus serupa pernah terjadi bulan lalu.",
]
FINDINGS = [
    "Ditemukan kerusakan pada perangkat switch di ruang server.",
    "Konfigurasi akun pelanggan tidak lengkap.",
    "Data pembayaran belum dicocokkan oleh bank.",
    "Dokumen teknis pelanggan belum lengkap.",
]
SOLUTIONS = [
    "Perangkat sudah diganti dan koneksi normal kembali.",
    "Akun sudah diatur ulang, silakan masuk dengan kata sandi sementara.",
    "Pembayaran sudah dikonfirmasi dan status diperbarui.",
    "Dokumen sudah diterbitkan ulang dan dikirim melalui email.",
]
STEPS = [
    "Mohon restart modem lalu coba kembali setelah 5 menit.",
    "Silakan ganti kata sandi sementara setelah masuk pertama kali.",
    "Silakan unduh ulang bukti pembayaran dari portal.",
]
PENDING_REASONS = [
    "Menunggu suku cadang dari vendor.",
    "Menunggu dokumen tambahan dari pelanggan.",
    "Menunggu jadwal teknisi ke lokasi.",
]


@dataclass(frozen=True)
class FakeCustomer:
    name: str
    phone: str
    email: str
    organisation_name: str


def fake_phone(rng: random.Random) -> str:
    if rng.random() < 0.7:
        prefix = rng.choice(MOBILE_PREFIXES)
        return f"{prefix}-{rng.randint(1000, 9999)}-{rng.randint(1000, 9999)}"
    return f"({rng.choice(AREA_CODES)}) {rng.randint(200000, 8999999)}"


def fake_customer(rng: random.Random, index: int) -> FakeCustomer:
    first = rng.choice(FIRST_NAMES)
    last = rng.choice(LAST_NAMES)
    return FakeCustomer(
        name=f"{first} {last}",
        phone=fake_phone(rng),
        email=f"{first.lower()}.{last.lower()}{index}@contoh.co.id",
        organisation_name=rng.choice(INSTITUTIONS),
    )


def fake_complaint(rng: random.Random) -> tuple[str, str, str]:
    category = rng.choice(list(COMPLAINTS))
    subject, description = rng.choice(COMPLAINTS[category])
    return category, subject, description
