#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""LinkedIn data export fixtures for tests/import.

  make-fixtures.py --folder DIR   rewrites the committed export folder (tests/data/linkedin/export)
  make-fixtures.py SRC_FOLDER OUT_DIR
                                  builds the archives the tests read (at build time):
    linkedin-export.zip    the folder as LinkedIn sends it (deflate, plus files the importer ignores)
    linkedin-nested.zip    the same under a top folder, stored (no compression)
    renamed.zip            Positions/Education with reordered and renamed columns, a "Notes:"
                           preamble, LF line endings, no BOM
    not-linkedin.zip       a valid archive with none of the export's files
    truncated.zip          the first half of linkedin-export.zip
    bomb.zip               Positions.csv declaring 40 MiB (refused before inflating)
    lying-bomb.zip         Positions.csv declaring 100 bytes, inflating to 4 MiB
    traversal.zip          an entry named ../../evil/Profile.csv
    absolute.zip           an entry named /tmp/Profile.csv
    bad-crc.zip            a stored entry with one byte changed
    bad-csv.zip            Positions.csv with a quoted value that never ends
    really-a-pdf.zip       a PDF document named .zip
"""
import os
import struct
import sys
import zipfile
import zlib

CRLF = "\r\n"

FILES = {
    "Profile.csv": "\ufeff" + CRLF.join([
        "First Name,Last Name,Maiden Name,Address,Birth Date,Headline,Summary,Industry,Zip Code,Geo Location,Twitter Handles,Websites,Instant Messengers",
        'Salma,El Amrani,,,,"Ingénieure données — مهندسة بيانات","Huit ans de données au Maroc, de la BI au temps réel.\n'
        'أعمل على منصات البيانات في الدار البيضاء.\nJ\'aime les pipelines ""propres"".",IT Services,,"Casablanca, Casablanca-Settat, Morocco",,'
        '"[PORTFOLIO:https://salma.example.ma],[BLOG:https://blog.example.ma/salma]",',
    ]) + CRLF,
    "Positions.csv": CRLF.join([
        "Company Name,Title,Description,Location,Started On,Finished On",
        '"OCP Group","Ingénieure données","Pipelines Spark, qualité des données\nTableaux de bord ""temps réel""","Casablanca, Morocco",Mar 2021,',
        'Inwi,Analyste BI,"تحليل بيانات المشتركين وإعداد التقارير الشهرية",Rabat,Sep 2018,Feb 2021',
        '"Stage — Attijariwafa bank",Stagiaire data,,Casablanca,2017,2017',
    ]) + CRLF,
    "Education.csv": CRLF.join([
        "School Name,Start Date,End Date,Notes,Degree Name,Activities",
        "École Mohammadia d'Ingénieurs,2013,2016,,Diplôme d'ingénieur d'État,Club robotique",
        "جامعة الحسن الثاني,2011,2013,,Classes préparatoires,",
    ]) + CRLF,
    "Skills.csv": CRLF.join(["Name", "Python", "Apache Spark", "SQL", "تعلم الآلة", "Power BI"]) + CRLF,
    "Languages.csv": CRLF.join([
        "Name,Proficiency",
        "Arabic,Native or bilingual proficiency",
        "French,Full professional proficiency",
        "English,Professional working proficiency",
    ]) + CRLF,
    "Email Addresses.csv": CRLF.join([
        "Email Address,Confirmed,Primary,Updated On",
        "salma.old@example.ma,Yes,No,5/2/18, 10:01 AM",
        "salma.elamrani@example.ma,Yes,Yes,3/1/21, 9:12 AM",
    ]) + CRLF,
    "PhoneNumbers.csv": CRLF.join(["Extension,Number,Type", ',"06 61 23 45 67",Mobile']) + CRLF,
}

IGNORED = {
    "Connections.csv": "Notes:\r\n\"When exporting your connection data...\"\r\n\r\nFirst Name,Last Name,URL,Email Address,Company,Position,Connected On\r\n",
    "messages.csv": "CONVERSATION ID,FROM,TO,DATE,CONTENT\r\n",
}

RENAMED = {
    "Positions.csv": "\n".join([
        "Notes:",
        '"Positions you held, as of today"',
        "",
        "Title,Company,Finished On,Started On,Location,Description",
        'Data engineer,Acme Maroc,,janv. 2022,Tanger,"Built the ingestion, end to end"',
        'Analyst,"Banque ""Populaire""",déc. 2021,2019-09,Fès,',
    ]) + "\n",
    "Education.csv": "\n".join([
        "Degree,Field Of Study,School,From,To",
        "Master,Data science,Université Mohammed V,2016,2018",
    ]) + "\n",
    "Skills.csv": "\ufeffSkill\r\nKafka\r\n\r\nAirflow\r\n",
}


def write_folder(folder):
    os.makedirs(folder, exist_ok=True)
    for name, text in FILES.items():
        with open(os.path.join(folder, name), "w", encoding="utf-8", newline="") as f:
            f.write(text)


def read_folder(folder):
    out = {}
    for name in sorted(os.listdir(folder)):
        with open(os.path.join(folder, name), "rb") as f:
            out[name] = f.read()
    return out


def write_zip(path, entries, method=zipfile.ZIP_DEFLATED):
    with zipfile.ZipFile(path, "w", method) as z:
        for name, data in entries.items():
            z.writestr(name, data if isinstance(data, bytes) else data.encode("utf-8"))


def local_entry(name, data, declared_size, crc=None):
    """One deflated entry with a declared uncompressed size that may lie."""
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    comp = c.compress(data) + c.flush()
    crc = zlib.crc32(data) if crc is None else crc
    name_b = name.encode()
    local = struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0x800, 8, 0, 0x21, crc, len(comp), declared_size, len(name_b), 0)
    central = struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0x800, 8, 0, 0x21, crc, len(comp), declared_size,
                          len(name_b), 0, 0, 0, 0, 0, 0)
    return local + name_b + comp, central + name_b


def raw_zip(path, name, data, declared_size):
    local, central = local_entry(name, data, declared_size)
    eocd = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, 1, 1, len(central), len(local), 0)
    with open(path, "wb") as f:
        f.write(local + central + eocd)


def build(src, out):
    os.makedirs(out, exist_ok=True)
    export = read_folder(src)
    export_plus = dict(export)
    export_plus.update(IGNORED)
    write_zip(os.path.join(out, "linkedin-export.zip"), export_plus)
    write_zip(os.path.join(out, "linkedin-nested.zip"),
              {"Basic_LinkedInDataExport_11-25-2026/" + k: v for k, v in export.items()}, zipfile.ZIP_STORED)
    renamed = {"Profile.csv": export["Profile.csv"]}
    renamed.update(RENAMED)
    write_zip(os.path.join(out, "renamed.zip"), renamed)
    write_zip(os.path.join(out, "not-linkedin.zip"), {"hello.txt": "Bonjour\n", "photos/chat.jpg": b"\xff\xd8\xff"})
    with open(os.path.join(out, "linkedin-export.zip"), "rb") as f:
        good = f.read()
    with open(os.path.join(out, "truncated.zip"), "wb") as f:
        f.write(good[: len(good) // 2])
    bomb = ("Company Name,Title\r\n" + "A" * (40 * 1024 * 1024)).encode()
    raw_zip(os.path.join(out, "bomb.zip"), "Positions.csv", bomb, len(bomb))
    raw_zip(os.path.join(out, "lying-bomb.zip"), "Positions.csv",
            ("Company Name,Title\r\n" + "B" * (4 * 1024 * 1024)).encode(), 100)
    write_zip(os.path.join(out, "traversal.zip"), {"Profile.csv": export["Profile.csv"],
                                                    "../../evil/Profile.csv": export["Profile.csv"]})
    write_zip(os.path.join(out, "absolute.zip"), {"/tmp/Profile.csv": export["Profile.csv"]})
    write_zip(os.path.join(out, "bad-crc.zip"), {"Skills.csv": "Name\r\nPython\r\n"}, zipfile.ZIP_STORED)
    with open(os.path.join(out, "bad-crc.zip"), "r+b") as f:
        data = bytearray(f.read())
        i = data.index(b"Python")
        data[i] = ord("J")
        f.seek(0)
        f.write(data)
    write_zip(os.path.join(out, "bad-csv.zip"),
              {"Positions.csv": 'Company Name,Title\r\nOCP,"Ingénieure\r\nsans fin\r\n'})
    with open(os.path.join(out, "really-a-pdf.zip"), "wb") as f:
        f.write(b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")


if __name__ == "__main__":
    if sys.argv[1] == "--folder":
        write_folder(sys.argv[2])
    else:
        build(sys.argv[1], sys.argv[2])
        # the stamp meson waits for
        open(os.path.join(sys.argv[2], "stamp"), "w").close()
