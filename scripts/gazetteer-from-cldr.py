#!/usr/bin/env python3
"""Regenerate data/gazetteer/LOC-cldr.txt, mizan's shipped list of place names, from the
Arabic locale data of Unicode CLDR.

Takes, from CLDR's Arabic data:
  - territory names (main/ar.xml <territories>): countries, territories and world regions,
    with their `variant`/`short` alternatives;
  - exemplar cities (main/ar.xml <timeZoneNames>): capitals and major cities;
  - subdivision names (subdivisions/ar.xml) of the Arab League states, Turkey, Iran and the
    United States, with the administrative word in front removed (`محافظة حلب` -> `حلب`):
    news names the place, and the guidelines keep such common nouns outside the span.

Names that collide with frequent Arabic words are left out; they are listed in STOPLIST
below, each with the reason, and reported on stderr when they occur.

On Debian or Ubuntu the data comes from the `unicode-cldr-core` package:

    apt-get install unicode-cldr-core
    python3 scripts/gazetteer-from-cldr.py            # writes data/gazetteer/LOC-cldr.txt
    python3 scripts/gazetteer-from-cldr.py --cldr DIR --out FILE

Standard library only.
"""

import argparse
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

# Territory codes that are not places (or not LOC): the world, unknown region, pseudo-locales,
# and two organisations that CLDR lists among territories (they are in ORG.txt).
SKIP_TERRITORIES = {"001", "ZZ", "XA", "XB", "QO", "EU", "EZ", "UN"}

# Subdivisions are taken for these countries only: the ones Arabic news names by province.
SUBDIVISION_COUNTRIES = set(
    "ae bh dj dz eg iq jo km kw lb ly ma mr om ps qa sa sd sy tn ye tr ir us".split()
)

# Administrative words removed from the front of a subdivision name.
ADMIN_PREFIXES = (
    "محافظة", "ولاية", "إقليم", "منطقة", "شعبية", "بلدية", "عمالة", "جهة", "إمارة", "امارة",
)

# Names left out because they are (also) frequent ordinary words, or not a usable name.
STOPLIST = {
    "مالي": "Mali; also the adjective 'financial'",
    "مدينة غير معروفة": "'unknown city', CLDR's placeholder",
    "سمراء": "Samara as transliterated; also 'dark-skinned'",
    "كوري": "Currie; also 'Korean'",
    "ترك": "Truk; also 'left (verb)' and 'Turks'",
    "نوم": "Nome; also 'sleep'",
    "سنتر": "Center (North Dakota); also 'centre' as a loanword",
    "واك": "Wake Island as transliterated",
    "ماهي": "Mahé; also 'what is'",
    "العيون": "El Aaiún; also 'the eyes'",
    "كانتون": "Kanton; also 'canton'",
    "استر": "Easter Island as transliterated; also 'cover (verb)'",
    "كريسماس": "Christmas Island; also 'Christmas'",
    "جوني": "Juneau as transliterated; also a given name",
    "العاصمة": "'the capital'",
    "الشمال": "'the north'",
    "الجنوب": "'the south'",
    "الوسطى": "'the middle'",
    "الشمالية": "'the northern'",
    "شمالية": "'northern'",
    "جنوبية": "'southern'",
    "الشرقية": "'the eastern'",
    "الغربية": "'the western'",
    "الداخلية": "'the interior' (as in the ministry)",
    "الظاهرة": "'the phenomenon'",
    "الجزيرة": "'the island'; also the broadcaster (ORG)",
    "البيضاء": "'the white'",
    "الوادي": "'the valley'",
    "الجوف": "'the hollow'; ambiguous between Saudi Arabia and Yemen",
    "الواحات": "'the oases'",
    "الخور": "'the creek'",
    "فارس": "Fars; also 'knight' and a given name",
    "مركزي": "Markazi; also 'central'",
    "أفيون": "Afyon; also 'opium'",
    "موش": "Muş as transliterated",
    "وان": "Van as transliterated",
    "عثمانية": "Osmaniye; also 'Ottoman'",
    "دخيل": "Dikhil; also 'intruder'",
    "مين": "Maine; also 'who' in dialect",
    "منطقة إدارية خاصة": "'special administrative region', the tail of Hong Kong's name",
    "حي الأمير السفلي": "Lower Prince's Quarter, a literal translation",
    "مدينة تل": "Tell City, a literal translation ('hill city')",
    "ترول": "Troll research station; also 'troll'",
    "ديلي": "Dili; in news mostly the 'Daily' of English newspaper names",
    "بلم": "Belém as transliterated; not how news writes it",
    "إب": "Ibb; folds to أب 'father'",
    "الكاف": "El Kef; also 'the letter kaf'",
    "الحاجب": "El Hajeb; also 'the eyebrow', 'the chamberlain'",
    "الجديدة": "El Jadida; also 'the new'",
    "المحمدية": "Mohammedia; also 'Muhammadan'",
    "بركان": "Berkane; also 'volcano'",
    "سعيدة": "Saïda (Algeria); also 'happy'",
    "النعامة": "Naâma; also 'the ostrich'",
    "المدية": "Médéa; also 'the knife'",
    "الزاوية": "Zawiya; also 'the angle', 'the corner'",
    "المرج": "Marj; also 'the meadow'",
    "معان": "Ma'an; also 'meanings'",
    "عمران": "Amran; also the given name Imran",
    "حجة": "Hajjah; also 'argument', 'pretext'",
    "عسير": "Asir; also 'difficult'",
    "حائل": "Ha'il; also 'preventing' (حائلا دون)",
    "حولي": "Hawalli; also 'around me'",
    "المفرق": "Mafraq; also 'the crossroads'",
    "العقبة": "Aqaba; also 'the obstacle'",
    "الزرقاء": "Zarqa; also 'the blue'",
    "البحيرة": "Beheira; also 'the lake'",
    "مطروح": "Matrouh; also 'proposed', 'subtracted'",
    "الجهة الشرقية": "'the eastern side'",
    "المنطقة الشرقية": "'the eastern region'",
    "الحدود الشمالية": "'the northern borders'",
    "النقاط الخمس": "'the five points'",
    "الحوض الشرقي": "'the eastern basin'",
    "الحوض الغربي": "'the western basin'",
    "بشار": "Béchar; also the given name Bashar",
    "معسكر": "Mascara; also 'camp'",
    "البيض": "El Bayadh; also 'the eggs', 'the whites'",
    "قبلي": "Kebili; also 'before me', 'tribal'",
    "العصابة": "Assaba; also 'the gang'",
    "علي صبيح": "Ali Sabieh; also a person's name",
    "بورصة": "Bursa; also 'stock exchange'",
    "قارص": "Kars; also 'biting (cold)'",
    "قيصرية": "Kayseri; also 'caesarean'",
    "أردو": "Ordu; also 'Urdu'",
    "يزد": "Yazd; also 'increase' (لم يزد)",
}

LICENCE = """\
# Licence: Unicode License Agreement - Data Files and Software (Unicode-DFS-2016).
# COPYRIGHT AND PERMISSION NOTICE
# Copyright (c) 1991-2022 Unicode, Inc. All rights reserved.
# Distributed under the Terms of Use in https://www.unicode.org/copyright.html.
# Permission is hereby granted, free of charge, to any person obtaining a copy of the Unicode
# data files and any associated documentation (the "Data Files") or Unicode software and any
# associated documentation (the "Software") to deal in the Data Files or Software without
# restriction, including without limitation the rights to use, copy, modify, merge, publish,
# distribute, and/or sell copies of the Data Files or Software, and to permit persons to whom
# the Data Files or Software are furnished to do so, provided that either (a) this copyright
# and permission notice appear with all copies of the Data Files or Software, or (b) this
# copyright and permission notice appear in associated Documentation.
# THE DATA FILES AND SOFTWARE ARE PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
# IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY, FITNESS FOR A
# PARTICULAR PURPOSE AND NONINFRINGEMENT OF THIRD PARTY RIGHTS. IN NO EVENT SHALL THE
# COPYRIGHT HOLDER OR HOLDERS INCLUDED IN THIS NOTICE BE LIABLE FOR ANY CLAIM, OR ANY SPECIAL
# INDIRECT OR CONSEQUENTIAL DAMAGES, OR ANY DAMAGES WHATSOEVER RESULTING FROM LOSS OF USE,
# DATA OR PROFITS, WHETHER IN AN ACTION OF CONTRACT, NEGLIGENCE OR OTHER TORTIOUS ACTION,
# ARISING OUT OF OR IN CONNECTION WITH THE USE OR PERFORMANCE OF THE DATA FILES OR SOFTWARE.
# Except as contained in this notice, the name of a copyright holder shall not be used in
# advertising or otherwise to promote the sale, use or other dealings in these Data Files or
# Software without prior written authorization of the copyright holder.
"""

# A usable name: Arabic letters, spaces, and hyphens between words.
NAME = re.compile(r"^[\u0621-\u065F\u0670-\u06D3]+(?:[ -][\u0621-\u065F\u0670-\u06D3]+)*$")


def split_name(raw):
    """One CLDR display name -> the names it holds: `ميانمار (بورما)` gives both,
    `بيولا، داكوتا الشمالية` gives both parts, `الكونغو - كينشاسا` stays whole."""
    raw = raw.strip()
    parts = []
    match = re.match(r"^(.*?)\s*\((.*)\)$", raw)
    if match:
        parts += [match.group(1), match.group(2)]
    else:
        parts += raw.split("،")
    names = []
    for part in parts:
        part = re.sub(r"\s+", " ", part.replace(" - ", "-")).strip()
        if part:
            names.append(part)
    return names


def strip_admin_prefix(name):
    for prefix in ADMIN_PREFIXES:
        if name.startswith(prefix + " "):
            return name[len(prefix) + 1 :]
    return name


def territories(main):
    for element in main.iter("territory"):
        if element.get("type") in SKIP_TERRITORIES or not element.text:
            continue
        yield from split_name(element.text)


def exemplar_cities(main):
    zones = main.find(".//timeZoneNames")
    if zones is None:
        return
    for city in zones.iter("exemplarCity"):
        if city.text:
            yield from split_name(city.text)


def subdivisions(tree):
    for element in tree.iter("subdivision"):
        code = element.get("type", "")
        if code[:2] in SUBDIVISION_COUNTRIES and element.text:
            for name in split_name(element.text):
                yield strip_admin_prefix(name)


def cldr_version(cldr):
    dtd = cldr / "common" / "dtd" / "ldml.dtd"
    match = re.search(r'cldrVersion CDATA #FIXED "([^"]+)"', dtd.read_text(encoding="utf-8"))
    return match.group(1) if match else "unknown"


def package_version():
    try:
        out = subprocess.run(
            ["dpkg-query", "-W", "-f=${Version}", "unicode-cldr-core"],
            capture_output=True, text=True, check=True,
        )
        return out.stdout.strip() or None
    except (OSError, subprocess.CalledProcessError):
        return None


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cldr", type=Path, default=Path("/usr/share/unicode/cldr"))
    parser.add_argument("--out", type=Path, default=Path("data/gazetteer/LOC-cldr.txt"))
    args = parser.parse_args()

    main_xml = ET.parse(args.cldr / "common" / "main" / "ar.xml")
    subdivision_xml = ET.parse(args.cldr / "common" / "subdivisions" / "ar.xml")
    sections = [
        ("territories and regions (common/main/ar.xml <territories>)", territories(main_xml)),
        ("exemplar cities (common/main/ar.xml <timeZoneNames>)", exemplar_cities(main_xml)),
        ("subdivisions (common/subdivisions/ar.xml)", subdivisions(subdivision_xml)),
    ]
    seen = set()
    dropped = {}
    body = []
    for title, names in sections:
        kept = []
        for name in names:
            if name in STOPLIST:
                dropped[name] = STOPLIST[name]
            elif not NAME.match(name):
                dropped[name] = "not a plain name"
            elif name not in seen:
                seen.add(name)
                kept.append(name)
        body.append(f"\n# {title}: {len(kept)} names\n")
        body.extend(name + "\n" for name in sorted(kept))

    package = package_version()
    source = f"Unicode CLDR {cldr_version(args.cldr)}"
    if package:
        source += f" (Debian package unicode-cldr-core {package})"
    header = (
        "# label: LOC\n"
        f"# Source: {source}, Arabic locale data.\n"
        "# Generated by scripts/gazetteer-from-cldr.py; edit the script, not this file.\n"
        f"# Names: {len(seen)}. Left out as common words or unusable: {len(dropped)} (see the script's STOPLIST).\n"
        + LICENCE
    )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(header + "".join(body), encoding="utf-8")
    for name, reason in sorted(dropped.items()):
        print(f"left out {name}: {reason}", file=sys.stderr)
    print(f"wrote {args.out}: {len(seen)} names", file=sys.stderr)


if __name__ == "__main__":
    main()
