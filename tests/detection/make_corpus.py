#!/usr/bin/python3
"""Builds tests/detection/corpus_fr.jsonl and corpus_en.jsonl (see README.md there).

Snippets are hand-written templates; identifiers are generated here so that every checksum is
computed, not copied: Luhn for cards, ISO 13616 mod 97 for IBANs, the clé RIB, the NIR key, and
libphonenumber (python3-phonenumbers) validity for phone numbers. A slot such as {email} inserts a
fictitious identifier AND its label; a slot such as {card_bad} inserts a hard negative (checked to
fail its validator) and no label. Deterministic (fixed seed): rerun gives the same files.

  /usr/bin/python3 tests/detection/make_corpus.py [OUTDIR]
"""
import json
import os
import random
import re
import sys
import unicodedata

R = random.Random(4242)

# ---------------------------------------------------------------- validators and generators


def luhn_ok(d):
    s = 0
    for i, c in enumerate(reversed(d)):
        n = int(c)
        if i % 2 == 1:
            n *= 2
            if n > 9:
                n -= 9
        s += n
    return s % 10 == 0


def luhn_complete(prefix, length):
    body = prefix + "".join(R.choice("0123456789") for _ in range(length - len(prefix) - 1))
    for c in "0123456789":
        if luhn_ok(body + c):
            return body + c
    raise AssertionError


def iban_check(country, bban):
    s = "".join(str(int(c, 36)) for c in bban + country + "00")
    return "%02d" % (98 - int(s) % 97)


def iban_ok(iban):
    iban = iban.replace(" ", "")
    s = "".join(str(int(c, 36)) for c in iban[4:] + iban[:4])
    return int(s) % 97 == 1


RIB_LETTERS = {}
for i, group in enumerate(["AJ", "BKS", "CLT", "DMU", "ENV", "FOW", "GPX", "HQY", "IRZ"], 1):
    for ch in group:
        RIB_LETTERS[ch] = str(i)


def rib_key(bank, branch, account):
    acc = "".join(RIB_LETTERS.get(c, c) for c in account)
    return "%02d" % (97 - (89 * int(bank) + 15 * int(branch) + 3 * int(acc)) % 97)


def nir_key(n13):
    n = n13.replace("2A", "19").replace("2B", "18")
    return "%02d" % (97 - int(n) % 97)


def digits(k):
    return "".join(R.choice("0123456789") for _ in range(k))


def group(s, sizes):
    out, i = [], 0
    for n in sizes:
        out.append(s[i:i + n])
        i += n
    if i < len(s):
        out.append(s[i:])
    return " ".join(x for x in out if x)


def group4(s, sep=" "):
    return sep.join(s[i:i + 4] for i in range(0, len(s), 4))


try:
    import phonenumbers
except ImportError:  # validity is then only checked by shape
    phonenumbers = None


def phone_valid(s, region):
    if phonenumbers is None:
        return True
    try:
        return phonenumbers.is_valid_number(phonenumbers.parse(s, region))
    except phonenumbers.NumberParseException:
        return False


def ascii_fold(s):
    return unicodedata.normalize("NFKD", s).encode("ascii", "ignore").decode()


# ---------------------------------------------------------------- pools

FR_FIRST = ["Marie", "Julien", "Camille", "Thomas", "Léa", "Nicolas", "Sophie", "Antoine", "Chloé",
            "Mathieu", "Inès", "Hugo", "Manon", "Karim", "Élodie", "Yann", "Nadia", "Bastien", "Aurélie",
            "Rémi", "Sandrine", "Loïc", "Fatou", "Guillaume"]
FR_LAST = ["Dupont", "Martin", "Lefèvre", "Moreau", "Garnier", "Roux", "Fabre", "Girard", "Mercier",
           "Benali", "Nguyen", "Perrin", "Chevalier", "Lemoine", "Barbier", "Collin", "Rolland", "Diallo"]
EN_FIRST = ["Emma", "James", "Olivia", "Liam", "Sophie", "Daniel", "Grace", "Ryan", "Chloe", "Marcus",
            "Hannah", "Owen", "Priya", "Ethan", "Megan", "Tyler", "Aisha", "Connor"]
EN_LAST = ["Smith", "Turner", "Walsh", "Patel", "Hughes", "Cooper", "Reed", "Murphy", "Bennett", "Hall",
           "Brooks", "Kowalski", "Okafor", "Fletcher", "Doyle", "Carter"]
FR_CITIES = [("69003", "Lyon"), ("31000", "Toulouse"), ("44000", "Nantes"), ("13006", "Marseille"),
             ("33800", "Bordeaux"), ("59000", "Lille"), ("35000", "Rennes"), ("67000", "Strasbourg"),
             ("75011", "Paris"), ("34070", "Montpellier"), ("21000", "Dijon"), ("29200", "Brest"),
             ("63000", "Clermont-Ferrand"), ("74000", "Annecy"), ("87000", "Limoges"), ("20000", "Ajaccio")]
FR_STREETS = ["rue des Lilas", "avenue Jean Jaurès", "impasse des Tilleuls", "boulevard Victor Hugo",
              "rue du Moulin", "allée des Peupliers", "chemin de la Croix", "rue Pasteur", "place du Marché",
              "rue de la Paix", "rue des Écoles", "avenue de la République", "route de Vannes",
              "rue Émile Zola", "quai des Chartrons", "lotissement Les Genêts", "rue Saint-Michel"]
EN_STREETS = ["Maple Street", "Elm Road", "Oak Lane", "Church Street", "Victoria Road", "Park Avenue",
              "Willow Close", "Highfield Drive", "Station Road", "Cedar Court", "Mill Lane", "Beech Grove"]
UK_TOWNS = [("Leeds", "LS6 2AB"), ("Bristol", "BS7 8QR"), ("Manchester", "M14 5TQ"), ("York", "YO10 3EW"),
            ("Norwich", "NR2 3LF"), ("Cardiff", "CF24 4HQ"), ("Brighton", "BN2 1PH"), ("Oxford", "OX4 1DE")]
US_TOWNS = [("Springfield, IL", "62704"), ("Portland, OR", "97214"), ("Austin, TX", "78704"),
            ("Madison, WI", "53703"), ("Columbus, OH", "43201"), ("Denver, CO", "80206"),
            ("Raleigh, NC", "27601"), ("Boise, ID", "83702")]
DOMAINS_FR = ["example.fr", "example.com", "example.org"]
DOMAINS_EN = ["example.com", "example.org"]

# ---------------------------------------------------------------- slots
# Each slot returns (text, category or None). None = no label (filler or hard negative).


class Ctx:
    def __init__(self, lang):
        self.lang = lang
        self.first = R.choice(FR_FIRST if lang == "fr" else EN_FIRST)
        self.last = R.choice(FR_LAST if lang == "fr" else EN_LAST)


def s_email(c):
    f, l = ascii_fold(c.first).lower(), ascii_fold(c.last).lower()
    dom = R.choice(DOMAINS_FR if c.lang == "fr" else DOMAINS_EN)
    local = R.choice([f + "." + l, f[0] + l, f + "_" + l + str(R.randint(70, 99)), f + l[0], l + "." + f,
                      f + "-" + l])
    return local + "@" + dom, "id.email"


def s_email_co(c):
    dom = R.choice(DOMAINS_FR if c.lang == "fr" else DOMAINS_EN)
    box = R.choice(["contact", "support", "rh", "commandes", "sav", "info"] if c.lang == "fr"
                   else ["contact", "support", "hr", "orders", "help", "jobs"])
    return box + "@" + R.choice(["", "boutique.", "shop.", "mail."]) + dom, "id.email"


def s_phone_fr(c):
    while True:
        n = R.choice(["06", "07"]) + digits(8)
        if phone_valid(n, "FR"):
            break
    fmt = R.choice(["sp", "sp", "dot", "compact", "intl", "intl_compact", "dash"])
    if fmt == "sp":
        return group(n, [2, 2, 2, 2, 2]), "id.phone"
    if fmt == "dot":
        return ".".join(n[i:i + 2] for i in range(0, 10, 2)), "id.phone"
    if fmt == "dash":
        return "-".join(n[i:i + 2] for i in range(0, 10, 2)), "id.phone"
    if fmt == "compact":
        return n, "id.phone"
    if fmt == "intl":
        return "+33 " + n[1] + " " + group(n[2:], [2, 2, 2, 2]), "id.phone"
    return "+33" + n[1:], "id.phone"


def s_phone_fix(c):
    while True:
        n = R.choice(["01", "02", "03", "04", "05", "09"]) + str(R.randint(1, 9)) + digits(7)
        if phone_valid(n, "FR"):
            return group(n, [2, 2, 2, 2, 2]), "id.phone"


def s_phone_intl(c):
    kind = R.choice(["uk", "uk", "us", "us", "us", "be", "de", "ch", "ca"])
    while True:
        if kind == "uk":
            n = "7" + R.choice(["400", "700", "911", "826", "538"]) + digits(6)
            s = R.choice(["+44 " + n[:4] + " " + n[4:], "0" + n[:4] + " " + n[4:]])
            region = "GB"
        elif kind in ("us", "ca"):
            area = R.choice(["202", "415", "312", "617"]) if kind == "us" else R.choice(["514", "416"])
            line = "01" + digits(2)
            s = R.choice(["(%s) 555-%s" % (area, line), "%s-555-%s" % (area, line), "+1 %s 555 %s" % (area, line),
                          "+1-%s-555-%s" % (area, line)])
            region = "US"
        elif kind == "be":
            s = "+32 4" + R.choice(["70", "75", "85", "96"]) + " " + group(digits(6), [2, 2, 2])
            region = "BE"
        elif kind == "de":
            s = "+49 15" + R.choice(["1", "2", "7"]) + R.choice(["1", "2", "5"]) + " " + digits(7)
            region = "DE"
        else:
            s = "+41 7" + R.choice(["6", "8", "9"]) + " " + group(digits(7), [3, 2, 2])
            region = "CH"
        if phone_valid(s, region):
            return s, "id.phone"


def s_ip4(c):
    return R.choice([
        "192.0.2.%d" % R.randint(1, 254), "198.51.100.%d" % R.randint(1, 254), "203.0.113.%d" % R.randint(1, 254),
        "192.168.1.%d" % R.randint(1, 254), "10.0.%d.%d" % (R.randint(0, 20), R.randint(1, 254)),
        "82.64.%d.%d" % (R.randint(1, 254), R.randint(1, 254)), "86.247.%d.%d" % (R.randint(1, 254), R.randint(1, 254)),
    ]), "id.ip"


def s_ip6(c):
    return R.choice([
        "2001:db8::%x" % R.randint(1, 0xffff), "2001:db8:85a3::8a2e:370:%x" % R.randint(0x1000, 0xffff),
        "2001:0db8:0000:0042:0000:8a2e:0370:%04x" % R.randint(1, 0xffff),
        "fe80::1ff:fe23:%x:%x" % (R.randint(0x1000, 0xffff), R.randint(0x100, 0xfff)),
        "2a01:e0a:%x:%x::1" % (R.randint(0x100, 0xfff), R.randint(0x1000, 0xffff)),
    ]), "id.ip"


def s_handle(c):
    f, l = ascii_fold(c.first).lower(), ascii_fold(c.last).lower()
    h = R.choice([f + "_" + l, f + l[:3], f + "_photo", l + str(R.randint(10, 99)), "the_real_" + f,
                  f[0] + l + "_off", f + "." + l, f.capitalize() + l.capitalize(), f + "_runs" + str(R.randint(1, 95))])
    return "@" + h, "id.handle"


def s_nir(c, bad=False):
    sex = R.choice("12")
    yy = "%02d" % R.randint(45, 99)
    mm = "%02d" % R.randint(1, 12)
    dept = R.choice(["75", "69", "13", "33", "59", "44", "2A", "2B", "31", "35", "67", "06", "29", "92"])
    n13 = sex + yy + mm + dept + digits(3) + digits(3)
    key = nir_key(n13)
    if bad:
        key = "%02d" % ((int(key) + R.randint(1, 90)) % 97 or 1)
        assert key != nir_key(n13)
    if R.random() < 0.6:
        return " ".join([n13[0], n13[1:3], n13[3:5], n13[5:7], n13[7:10], n13[10:13], key]), \
            None if bad else "id.nir"
    return n13 + key, None if bad else "id.nir"


def s_nir_bad(c):
    return s_nir(c, bad=True)


BANKS = ["30004", "30003", "20041", "10278", "30002", "10107", "18206", "13335", "16606", "14505"]


def rib_parts(with_letter=False):
    bank, branch = R.choice(BANKS), digits(5)
    acc = digits(11)
    if with_letter:
        acc = acc[:9] + R.choice("ABCDEFGHJKLMNPRSTUVWXYZ") + acc[10]
    return bank, branch, acc, rib_key(bank, branch, acc)


def s_rib(c, bad=False):
    bank, branch, acc, key = rib_parts(R.random() < 0.25)
    if bad:
        key = "%02d" % ((int(key) + R.randint(1, 90)) % 97 or 1)
    sep = R.choice([" ", " ", " ", "-"])
    return sep.join([bank, branch, acc, key]), None if bad else "banking.rib"


def s_rib_bad(c):
    return s_rib(c, bad=True)


def make_iban(country=None):
    country = country or R.choice(["FR", "FR", "FR", "DE", "GB", "CH", "LU", "BE"])
    if country == "FR":
        bank, branch, acc, key = rib_parts(R.random() < 0.2)
        bban = bank + branch + acc + key
    elif country == "DE":
        bban = digits(8) + digits(10)
    elif country == "GB":
        bban = R.choice(["NWBK", "BARC", "LOYD", "MIDL"]) + digits(6) + digits(8)
    elif country == "CH":
        bban = digits(5) + digits(12)
    elif country == "LU":
        bban = digits(3) + digits(13)
    else:  # BE: national check = first 10 digits mod 97 (97 when 0)
        b = digits(10)
        k = int(b) % 97 or 97
        bban = b + "%02d" % k
    iban = country + iban_check(country, bban) + bban
    assert iban_ok(iban)
    return iban


def s_iban(c, bad=False, country=None):
    iban = make_iban(country)
    if bad:
        chk = int(iban[2:4])
        iban = iban[:2] + "%02d" % ((chk + R.randint(1, 50)) % 97 + 2 if chk < 96 else chk - 7) + iban[4:]
        if iban_ok(iban):
            iban = iban[:-1] + str((int(iban[-1]) + 1) % 10)
        assert not iban_ok(iban)
    s = group4(iban) if R.random() < 0.7 else iban
    return s, None if bad else "banking.iban"


def s_iban_bad(c):
    return s_iban(c, bad=True)


def s_iban_fr(c):
    return s_iban(c, country="FR")


BICS = ["BNPAFRPP", "SOGEFRPP", "CRLYFRPP", "AGRIFRPP", "CMCIFR2A", "PSSTFRPPPAR", "CEPAFRPP751", "BNPAFRPPXXX",
        "DEUTDEFF", "COBADEFFXXX", "BARCGB22", "NWBKGB2L", "HSBCGB2L", "CHASUS33", "BOFAUS3N", "UBSWCHZH80A",
        "BCEELULL", "GEBABEBB", "INGBNL2A", "REVOLT21"]


def s_bic(c):
    return R.choice(BICS), "banking.bic"


TEST_CARDS = ["4111111111111111", "4012888888881881", "5555555555554444", "5105105105105100", "378282246310005",
              "371449635398431", "6011111111111117", "3530111333300000", "4000056655665556", "5200828282828210",
              "2223003122003222", "6011000990139424", "4242424242424242", "5425233430109903", "4917610000000000",
              "36227206271667", "3566002020360505"]


def fmt_card(n):
    r = R.random()
    if len(n) == 15 and n[0] == "3":
        return n if r < 0.4 else group(n, [4, 6, 5])
    if len(n) == 14:
        return n if r < 0.5 else group(n, [4, 6, 4])
    if r < 0.45:
        return group4(n)
    if r < 0.65:
        return group4(n, "-")
    return n


def s_card(c):
    if R.random() < 0.55:
        n = R.choice(TEST_CARDS)
    else:
        n = R.choice([luhn_complete("4" + digits(3), 16), luhn_complete(R.choice(["51", "53", "55"]), 16),
                      luhn_complete(R.choice(["34", "37"]), 15), luhn_complete("2221", 16)])
    assert luhn_ok(n)
    return fmt_card(n), "banking.card"


def s_card_bad(c):
    """Card-shaped with a valid prefix but failing Luhn."""
    n = R.choice(TEST_CARDS + [luhn_complete("4" + digits(3), 16)])
    n = n[:-1] + str((int(n[-1]) + R.randint(1, 9)) % 10)
    assert not luhn_ok(n)
    return fmt_card(n), None


def s_card_badprefix(c):
    """Passes Luhn, but no issuer starts with 9 or 8 (or 0)."""
    n = luhn_complete(R.choice(["9", "8", "0"]) + digits(2), 16)
    return group4(n) if R.random() < 0.5 else n, None


def coord_pair(c):
    if c.lang == "fr" or R.random() < 0.3:
        lat, lon = R.uniform(43.2, 50.6), R.uniform(-1.6, 7.4)
    else:
        lat, lon = R.choice([(R.uniform(50.5, 53.8), R.uniform(-3.0, 0.3)), (R.uniform(33.0, 45.0),
                            R.uniform(-122.0, -75.0))])
    return lat, lon


def s_coord(c):
    lat, lon = coord_pair(c)
    p = R.choice([4, 5, 6])
    sep = R.choice([", ", ",", " ", " / "])
    return "%.*f%s%.*f" % (p, lat, sep, p, lon), "geo.coordinates"


def dms(v, pos, neg):
    h = pos if v >= 0 else neg
    v = abs(v)
    d = int(v)
    m = int((v - d) * 60)
    s = (v - d - m / 60) * 3600
    return "%d°%02d'%04.1f\"%s" % (d, m, s, h)


def s_dms(c):
    lat, lon = coord_pair(c)
    return dms(lat, "N", "S") + " " + dms(lon, "E", "W" if c.lang == "en" else "O" if R.random() < 0.3 else "W"), \
        "geo.coordinates"


def s_geouri(c):
    lat, lon = coord_pair(c)
    a, b = "%.5f" % lat, "%.5f" % lon
    return R.choice([
        "geo:%s,%s" % (a, b), "geo:%s,%s?z=17" % (a, b),
        "https://www.google.com/maps?q=%s,%s" % (a, b), "https://maps.google.com/?q=%s,%s" % (a, b),
        "https://www.google.com/maps/@%s,%s,17z" % (a, b), "https://www.google.fr/maps/@%s,%s,18z" % (a, b),
        "https://www.openstreetmap.org/?mlat=%s&mlon=%s#map=18/%s/%s" % (a, b, a, b),
        "https://www.openstreetmap.org/#map=19/%s/%s" % (a, b), "https://maps.apple.com/?ll=%s,%s" % (a, b),
        "https://www.google.com/maps/search/?api=1&query=%s,%s" % (a, b),
    ]), "geo.uri"


def s_addr_fr(c):
    num = str(R.randint(1, 140)) + R.choice(["", "", "", "", " bis", " ter"])
    cp, city = R.choice(FR_CITIES)
    st = R.choice(FR_STREETS)
    return R.choice(["%s %s, %s %s" % (num, st, cp, city), "%s %s %s %s" % (num, st, cp, city),
                     "%s, %s, %s %s" % (num, st, cp, city.upper())]), "geo.address"


def s_addr_en(c):
    num = str(R.randint(1, 420))
    st = R.choice(EN_STREETS)
    if R.random() < 0.5:
        town, pc = R.choice(UK_TOWNS)
        return "%s %s, %s %s" % (num, st, town, pc), "geo.address"
    town, zipc = R.choice(US_TOWNS)
    apt = R.choice(["", "", ", Apt 4B", ", Apt 12"])
    return "%s %s%s, %s %s" % (num, st, apt, town, zipc), "geo.address"


def s_first(c):
    return c.first, None


def s_name(c):
    return c.first + " " + c.last, None


def s_city(c):
    return (R.choice(FR_CITIES)[1] if c.lang == "fr" else R.choice(["Leeds", "Bristol", "Denver", "Austin"])), None


def s_yy_minor(c):
    """A birth year that makes the writer 11-15 at the document date."""
    return str(c.year - R.randint(11, 15)), None


def s_yy_adult(c):
    return str(c.year - R.randint(25, 60)), None


def s_order(c):
    return R.choice(["CMD-%s" % digits(8), "n° %s" % digits(9), "#%s" % digits(7), "FA%s-%s" % (c.year, digits(5))]), None


def s_price(c):
    return R.choice(["%d,%02d €" % (R.randint(5, 1999), R.randint(0, 99)), "%d €" % R.randint(5, 950),
                     "1 %03d,00 €" % R.randint(0, 999)]) if c.lang == "fr" else \
        R.choice(["$%d.%02d" % (R.randint(5, 999), R.randint(0, 99)), "£%d" % R.randint(5, 900)]), None


SLOTS = {k[2:]: v for k, v in globals().items() if k.startswith("s_")}

# ---------------------------------------------------------------- templates
# T(lang, text, extra document labels..., n=instances). Pattern labels come from the slots.

TEMPLATES = []


def T(lang, text, *labels, n=1):
    TEMPLATES.append((lang, text, list(labels), n))


# --- id.email / id.phone: signatures, ads, customer service, bios
T("fr", "Bonjour, je vends mon vélo de course taille M, très peu servi, {price}. Contactez-moi au {phone_fr} ou par mail à {email}.", n=2)
T("fr", "Cordialement,\n{name}\nResponsable logistique\nTél. : {phone_fix}\nPortable : {phone_fr}\n{email}", n=2)
T("fr", "Pour toute réclamation, écrivez à {email_co} en indiquant votre numéro de commande {order}. Notre service client répond sous 48 h.", n=2)
T("fr", "Salut tout le monde ! Si quelqu'un a trouvé un chat roux vers la gare, appelez-moi vite au {phone_fr}, il s'appelle Caramel.", n=2)
T("fr", "Nounou agréée, 3 places disponibles à la rentrée. Joignable le soir : {phone_fr} — {first}", n=2)
T("fr", "Je me présente : {name}, photographe freelance basée à {city}. Portfolio sur demande : {email}", n=2)
T("fr", "Offre d'emploi : serveur/serveuse H/F, CDI 35 h. Envoyez CV et lettre à {email_co} ou appelez le {phone_fix}.", n=2)
T("fr", "Re: problème de facture\n\nBonjour Madame,\nJe vous ai déjà écrit depuis {email} la semaine dernière, sans réponse. Merci de me rappeler au {phone_fr}.", n=2)
T("fr", "Covoiturage Paris → {city} vendredi 18 h, 2 places, 25 € par personne. SMS uniquement au {phone_fr}.", n=2)
T("fr", "Mon nouveau mail perso c'est {email}, l'ancien ne marche plus. Bisous à tous !")
T("fr", "Location vacances : appartement T2 à 200 m de la plage, {price} la semaine. Propriétaire : {phone_fr} / {phone_intl}")
T("en", "Selling my old road bike, size 54, barely used. Text me at {phone_intl} or email {email}.", n=2)
T("en", "Best regards,\n{name}\nSenior Account Manager\nMobile: {phone_intl}\n{email}", n=2)
T("en", "Thanks for contacting us! Please reply to {email_co} with your order number {order} and we'll sort it out within two business days.", n=2)
T("en", "Lost dog near the park this morning — black lab, answers to Max. Please call me on {phone_intl}, any time!", n=2)
T("en", "Hi, I'm {name}, a freelance UX designer. Drop me a line at {email} if you'd like to collaborate.", n=2)
T("en", "We're hiring line cooks! Send your resume to {email_co} or call {phone_intl} between 2 and 5pm.", n=2)
T("en", "Babysitter available weekends, CPR certified, references on request. {first}, {phone_intl}", n=2)
T("en", "Re: refund still missing\n\nI emailed you from {email} on Monday and nobody got back to me. My number is {phone_intl}.", n=2)
T("en", "Moving sale this Saturday! Sofa, desk, bookshelves. Questions: {email} (no calls please).")
T("en", "Vous pouvez aussi me joindre en France au {phone_fr} pendant mon séjour, or on my UK number {phone_intl}.")

# --- id.ip
T("fr", "Depuis ce matin ma box ne répond plus, l'interface est à {ip4} mais la page ne charge pas. Vous avez une idée ?", n=2)
T("fr", "Le serveur a été attaqué cette nuit, toutes les requêtes venaient de {ip4}. J'ai bloqué l'adresse dans le pare-feu.", n=2)
T("fr", "Pour vous connecter au NAS, tapez {ip4} dans le navigateur, identifiant admin.", n=2)
T("fr", "Extrait du log : {ip4} - - [12/Mar/2024:10:15:32 +0100] \"GET /index.php HTTP/1.1\" 200 5123", n=2)
T("fr", "Mon adresse IPv6 publique est {ip6}, mais le ping ne passe pas depuis l'extérieur.", n=2)
T("fr", "Commentaire signalé — auteur : {first}, IP : {ip4}, le {date_fr}.", n=2)
T("en", "My router's admin page is at {ip4} but it keeps timing out. Any ideas?", n=2)
T("en", "We saw 4,000 login attempts from {ip4} overnight, so I added a deny rule for it.", n=2)
T("en", "Log excerpt: {ip4} - - [03/Apr/2024:22:41:07 +0000] \"POST /wp-login.php HTTP/1.1\" 403 199", n=2)
T("en", "Set the DNS server to {ip4} and the gateway to {ip4}, then reboot.", n=2)
T("en", "Our office IPv6 prefix is {ip6} — whitelist it in the firewall please.", n=2)
T("en", "Comment flagged for review. Posted by {first} from {ip6}.", n=1)

# --- id.handle
T("fr", "Retrouvez toutes mes recettes sur Insta {handle} et sur TikTok {handle} ✨", n=2)
T("fr", "Merci à {handle} pour la super photo du concert hier soir !", n=2)
T("fr", "Nouvel article sur le blog, n'hésitez pas à me suivre sur X : {handle}", n=2)
T("fr", "Ça fait trois jours que j'attends une réponse de votre SAV {handle}, c'est inadmissible.", n=2)
T("fr", "Bio : maman de deux loulous, passionnée de couture. Contact pro en MP ou sur {handle}.", n=2)
T("fr", "Bravo {handle} et {handle}, vous avez gagné le concours ! Envoyez-nous vos coordonnées en MP.", n=2)
T("en", "Follow me on Instagram {handle} for daily sourdough pics!", n=2)
T("en", "Huge thanks to {handle} for the shoutout on yesterday's stream.", n=2)
T("en", "Still waiting on a reply from {handle} about my broken blender. Three weeks now.", n=2)
T("en", "Writer, runner, coffee snob. Opinions my own. Find me at {handle} on most platforms.", n=2)
T("en", "Congrats to our winners {handle} and {handle}! DM us your shipping details.", n=2)
T("en", "cc {handle} — you were asking about this exact bug last week", n=2)

# --- id.nir
T("fr", "Bonjour, la CPAM me demande mon numéro de sécu pour le remboursement, c'est le {nir}, est-ce normal de l'envoyer par mail ?", n=3)
T("fr", "Formulaire d'inscription — Nom : {name}, N° de sécurité sociale : {nir}, mutuelle : MGEN.", n=3)
T("fr", "Attestation de droits\nBénéficiaire : {name}\nNIR : {nir}\nCaisse : CPAM de {city}", n=3)
T("fr", "J'ai reçu un SMS frauduleux qui me demandait de confirmer mon numéro de sécurité sociale ({nir}), j'ai répondu avant de réfléchir...", n=2)
T("fr", "Pour la fiche d'embauche j'ai besoin de votre n° INSEE : le mien est {nir} si vous voulez un exemple du format.", n=2)
T("fr", "Arrêt de travail envoyé, numéro d'immatriculation {nir}, employeur prévenu.", n=2)
T("en", "My French employer asked for my social security number, it's {nir} on my carte Vitale — is it safe to email?", n=3)
T("en", "Expat admin tip: once you get your numéro de sécurité sociale (mine is {nir}) everything gets easier.", n=3)
T("en", "Patient record — Name: {name}; French NIR: {nir}; insurer: CPAM.", n=2)

# --- banking.card
T("fr", "Mon numéro de carte s'affiche en clair dans l'e-mail de confirmation : {card}, c'est normal ça ??", n=2)
T("fr", "Pour régler l'acompte, voici ma carte : {card}, expiration 09/27, cryptogramme au dos.", n=2)
T("fr", "Paiement refusé avec la carte {card} alors que j'ai de l'argent sur le compte, quelqu'un a déjà eu le problème ?", n=2)
T("fr", "Test de l'intégration Stripe : utilisez la carte {card} avec n'importe quelle date future.", n=2)
T("fr", "Quelqu'un a utilisé ma carte {card} pour des achats en ligne, j'ai fait opposition.", n=2)
T("fr", "Réservation chambre 12, garantie par CB n° {card}, arrivée tardive prévue.", n=2)
T("fr", "Facture {order} réglée par carte se terminant par 4242 — le numéro complet {card} ne devrait pas apparaître ici.", n=1)
T("en", "The confirmation email shows my full card number {card} in plain text, is that normal??", n=2)
T("en", "Here's my card for the deposit: {card}, exp 11/26.", n=2)
T("en", "For sandbox testing use card {card}, any CVC and any future date.", n=2)
T("en", "Someone charged $300 to my card {card} — I've already called the bank.", n=2)
T("en", "Booking note: guaranteed with card no. {card}, late arrival.", n=2)
T("en", "My Amex {card} was declined at checkout again, anyone else?", n=2)

# --- banking.iban / banking.bic
T("fr", "Pour le loyer, faites le virement sur mon compte : IBAN {iban} — BIC {bic}. Merci !", "banking.bic", n=3)
T("fr", "Coordonnées bancaires pour le remboursement de la caution : {iban_fr}, titulaire {name}.", n=3)
T("fr", "Cagnotte pour le cadeau de départ de Julie : virement à {iban} (mettre \"cadeau\" en libellé).", n=2)
T("fr", "Attention arnaque : on m'a demandé de virer 2 000 € sur l'IBAN {iban}, n'y allez pas.", n=2)
T("fr", "RIB à joindre au dossier : Titulaire {name} — IBAN : {iban_fr} — BIC : {bic} — Domiciliation : agence de {city}.", "banking.bic", n=2)
T("en", "Please wire the deposit to IBAN {iban}, SWIFT/BIC {bic}, reference: flat 3.", "banking.bic", n=3)
T("en", "My bank details for the refund: {iban} (account holder {name}).", n=3)
T("en", "Scam warning: they asked me to transfer £1,500 to {iban}. Don't fall for it.", n=2)
T("en", "International transfers: beneficiary {name}, IBAN {iban}, BIC code {bic}.", "banking.bic", n=2)
T("fr", "Le virement international n'arrive pas, la banque me dit que le code SWIFT {bic} est incorrect alors que c'est celui de mon agence.", "banking.bic")
T("fr", "Pour un virement depuis l'étranger il faut le BIC de ma banque : {bic}.", "banking.bic", n=2)
T("en", "Wire transfer failed: the receiving bank says SWIFT code {bic} doesn't match the account.", "banking.bic", n=2)
T("en", "To receive money from abroad you'll need my bank's BIC, which is {bic}.", "banking.bic", n=2)

# --- banking.rib
T("fr", "Voici mon RIB pour le remboursement : {rib} (banque, guichet, compte, clé).", n=3)
T("fr", "Pour le prélèvement de la cantine, j'ai donné le RIB {rib} mais ils me disent que la clé est fausse.", n=3)
T("fr", "Relevé d'identité bancaire — {name} — {rib} — domiciliation {city}.", n=3)
T("fr", "Vous pouvez payer la location par virement sur le compte {rib}, au nom de {name}.", n=3)
T("fr", "Paiement du loyer : merci d'utiliser désormais mon nouveau RIB {rib}.", n=2)
T("fr", "Mon employeur a versé le salaire sur {rib}, c'est mon ancien compte !", n=2)
T("en", "My French landlord wants rent paid to the RIB {rib} — is that the same as an IBAN?", n=3)
T("en", "Refund details (French account, RIB): {rib}, holder {name}.", n=3)

# --- geo.address (a person's)
T("fr", "Vends canapé d'angle gris, à venir chercher chez moi au {addr_fr}. {price}, à débattre.", n=2)
T("fr", "Bonjour, pourriez-vous livrer le colis à mon domicile : {name}, {addr_fr} ? Merci.", n=2)
T("fr", "Mon nouveau logement : {addr_fr}. La crémaillère c'est samedi à partir de 19 h !", n=2)
T("fr", "Le voisin d'en face (au {addr_fr}) fait des travaux tous les dimanches à 8 h, quelqu'un connaît ses droits ?", n=2)
T("fr", "Lettre de résiliation\n{name}\n{addr_fr}\n\nMadame, Monsieur, je vous prie de résilier mon contrat...", n=2)
T("fr", "Je cherche une baby-sitter pour mes soirées du jeudi, on habite {addr_fr}, proche du tram.", n=2)
T("fr", "Vide-maison chez mes parents samedi : {addr_fr}, dans le jardin. Tout doit partir !", n=2)
T("en", "Selling a grey corner sofa, pick up from my place at {addr_en}. Offers welcome.", n=2)
T("en", "Please ship the replacement to my home address: {name}, {addr_en}.", n=2)
T("en", "We just moved to {addr_en}! Housewarming Saturday from 7pm.", n=2)
T("en", "My neighbour at {addr_en} has been running a leaf blower at 6am every day. Who do I call?", n=2)
T("en", "{name}\n{addr_en}\n\nDear Sir or Madam, I am writing to cancel my subscription...", n=2)
T("en", "Garage sale at my house, {addr_en}, Saturday 8am–1pm. Everything must go.", n=2)

# --- geo.coordinates (a person, a home, a meeting point)
T("fr", "Rendez-vous pour la sortie rando à mon chalet, coordonnées GPS : {coord}. Je vous attends à 9 h.", n=2)
T("fr", "Je suis en panne sur le bord de la route, ma position : {coord}. Quelqu'un peut venir ?", n=2)
T("fr", "Ma maison est un peu dure à trouver, mettez directement {coord} dans le GPS.", n=2)
T("fr", "Pour le géocaching de ce week-end, le départ est devant chez moi : {dms}.", n=2)
T("fr", "Photo prise dans mon jardin ce matin (position {dms}), regardez ce hérisson !", n=2)
T("fr", "Point de rendez-vous pour récupérer les chatons : {coord}, c'est la ferme de mes parents.", n=2)
T("fr", "Je campe ce soir à {coord}, si des motards passent dans le coin, venez boire un café.", n=1)
T("en", "Meet-up point for tomorrow's ride is my driveway: {coord}. See you at 8!", n=2)
T("en", "Car broke down, I'm stuck at {coord}, can anyone nearby help?", n=2)
T("en", "Our farmhouse is hard to find, just put {coord} in your sat nav.", n=2)
T("en", "Posted from home — exact location {dms} — look at this sunset!", n=2)
T("en", "I'm camping tonight at {dms}, come say hi if you're around.", n=2)
T("en", "Pick-up for the puppies is at my parents' place, {coord}.", n=2)

# --- geo.uri (geo: URIs and map links with coordinates)
T("fr", "Voilà où j'habite, c'est au fond de l'impasse : {geouri}", n=2)
T("fr", "Le lieu du pique-nique (chez ma tante) : {geouri} — prenez de quoi vous asseoir.", n=2)
T("fr", "Je t'envoie ma position : {geouri}", n=2)
T("fr", "Pour venir chercher le meuble, voici le lien : {geouri}. Sonnez deux fois.", n=2)
T("fr", "Perdu mon chien ici ce matin : {geouri}. Merci de partager !", n=2)
T("fr", "Adresse du gîte de mes grands-parents : {geouri}", n=2)
T("en", "Here's my place, it's at the very end of the lane: {geouri}", n=2)
T("en", "Sharing my live location: {geouri}", n=2)
T("en", "Pick-up point for the bookshelf (my garage): {geouri}", n=2)
T("en", "Lost my cat around here this morning: {geouri}. Please share!", n=2)
T("en", "The party is at my mum's: {geouri} — park on the street.", n=2)
T("en", "Drop the keys at my house: {geouri}", n=2)

# --- mixed, several identifiers in one document
T("fr", "Fiche adhérent\nNom : {name}\nAdresse : {addr_fr}\nTél : {phone_fr}\nE-mail : {email}\nN° sécu : {nir}\nIBAN : {iban_fr}", n=3)
T("en", "Customer record\nName: {name}\nAddress: {addr_en}\nPhone: {phone_intl}\nEmail: {email}\nCard: {card}\nLast login IP: {ip4}", n=3)

# --- pattern hard negatives (no label)
T("fr", "Numéro de suivi de votre colis : {card_bad}. Livraison prévue jeudi entre 8 h et 13 h.", n=3)
T("fr", "Référence article {card_badprefix} — Perceuse sans fil 18 V, {price}, livraison offerte.", n=3)
T("fr", "J'ai tapé {card_bad} dans le formulaire et le site me dit « numéro invalide », normal j'ai inversé deux chiffres.", n=2)
T("fr", "Votre code de retrait : {card_badprefix}. Présentez-le au guichet avec une pièce d'identité.", n=2)
T("fr", "Attention, l'IBAN {iban_bad} indiqué sur la facture est erroné (clé de contrôle invalide), merci de vérifier.", n=3)
T("fr", "Le RIB {rib_bad} que vous m'avez envoyé est refusé par ma banque, la clé ne correspond pas.", n=3)
T("fr", "Le numéro {nir_bad} n'est pas un numéro de sécu valide, la clé ne correspond pas, vérifiez votre carte Vitale.", n=3)
T("fr", "Commande {order} du {date_fr} : 3 articles, total {price}. Merci pour votre achat !", n=3)
T("fr", "ISBN 978-2-07-036822-8, Folio, 352 pages, {price}. Réf. éditeur 4521873.")
T("fr", "Mise à jour 2.14.3 disponible : corrections de bugs et amélioration des performances (build 20240318).")
T("fr", "Le SIRET de l'entreprise est 732 829 320 00074, TVA intracommunautaire FR 40 732829320.")
T("fr", "Horaires : du lundi au vendredi, 9 h 00 – 12 h 30 et 14 h 00 – 18 h 30. Fermé le 14/07/2024.")
T("fr", "Tirage du loto du 12 avril : 7 - 13 - 22 - 38 - 41, numéro chance 6. Gain du rang 1 : 2 000 000 €.")
T("fr", "Population légale 2021 : 1 234 567 habitants ; superficie 6 175 km² ; densité 199,9 hab./km².")
T("fr", "Le point A a pour coordonnées (1.5, 2.25) et le point B (−3, 4.75) ; calculez la distance AB.")
T("fr", "La tour Eiffel, située au Champ-de-Mars (48° 51′ 30″ N, 2° 17′ 40″ E), mesure 330 mètres.")
T("fr", "Le mont Blanc (45.8326, 6.8652) culmine à 4 805,59 m selon le relevé de 2021.")
T("fr", "Le phare du Créac'h, sur l'île d'Ouessant, se trouve à 48° 27′ 34″ N, 5° 07′ 35″ O ; c'est l'un des plus puissants d'Europe.")
T("fr", "Températures relevées : 21.5, 22.3, 23.1, 22.8 °C ; moyenne 22.4 °C.")
T("fr", "Boulangerie Fabre — 12 rue Mercière, 69002 Lyon. Ouvert du mardi au dimanche de 7 h à 19 h 30. Tél. : 04 78 42 10 10.", "id.phone:04 78 42 10 10")
T("fr", "Mairie de Brest, 2 rue Frézier, 29200 Brest : accueil du public du lundi au vendredi de 8 h 30 à 17 h.")
T("fr", "Le musée des Beaux-Arts, 20 place des Terreaux, 69001 Lyon, propose une nocturne le premier jeudi du mois.")
T("fr", "Concert de jazz au Bistrot du Port, 4 quai de la Fosse, 44000 Nantes, entrée libre à partir de 21 h.")
T("fr", "Notre magasin du 45 avenue de la Grande Armée, 75116 Paris, est fermé pour inventaire le 3 janvier.")
T("fr", "Cabinet dentaire des Dr Roux et Lemaire, 8 boulevard Carnot, 21000 Dijon — sur rendez-vous uniquement.")
T("fr", "Le lycée Victor-Duruy, 33 boulevard des Invalides, 75007 Paris, organise ses portes ouvertes samedi.")
T("fr", "Code CSS : @media (max-width: 600px) { .menu { display: none; } } et @import url(\"theme.css\");")
T("fr", "Rendez-vous @ 18 h devant le cinéma, n'oubliez pas les billets !")
T("fr", "En Java, annotez la méthode avec @Override et la classe avec @Deprecated si besoin.")
T("fr", "Installez le paquet avec npm install @angular/core@17.1.0 puis relancez le serveur.")
T("fr", "En C++, utilisez std::vector<int> et std::string::npos ; la syntaxe a::b::c désigne un espace de noms imbriqué.")
T("fr", "Adresse MAC de la carte réseau : 00:1A:2B:3C:4D:5E (à ne pas confondre avec une adresse IP).")
T("fr", "Version 10.0.19045 de Windows requise ; le score moyen passe de 3.75 à 4.25 sur 5.")
T("fr", "PLATINUM, CHAMPION, CAMPAIGN : voici les trois niveaux de notre programme de fidélité, sans engagement.")
T("fr", "ATTENTION : FERMETURE EXCEPTIONNELLE DU MAGASIN LE SAMEDI 4 MAI POUR TRAVAUX.")
T("fr", "Les cartes bancaires comportent 16 chiffres ; le premier indique le réseau (4 pour Visa, 5 pour Mastercard) et le dernier est une clé de Luhn.")
T("fr", "Un IBAN français comporte 27 caractères : FR, deux chiffres de contrôle, puis le code banque, le code guichet, le numéro de compte et la clé RIB.")
T("fr", "Le numéro de sécurité sociale comporte 13 chiffres suivis d'une clé de 2 chiffres ; le premier chiffre indique le sexe.")
T("fr", "Google Maps : https://www.google.com/maps/place/Mus%C3%A9e+du+Louvre — horaires et avis.")
T("fr", "Le géocodage transforme une adresse en coordonnées ; le géoblocage restreint l'accès selon le pays.")
T("fr", "Promo du jour : lot de 3 t-shirts à 29,99 € au lieu de 44,97 €, code PROMO2024.")
T("fr", "Le vol AF 1234 décolle à 14 h 35 de la porte 22 ; numéro de réservation XK7P2Q.")
T("fr", "Le résultat final est 4 111 111 points, un record pour ce niveau du jeu !")
T("fr", "Code-barres EAN 3 017620 422003 : pâte à tartiner 400 g, {price}.")
T("en", "Your tracking number is {card_bad}. Expected delivery: Thursday.", n=3)
T("en", "Item no. {card_badprefix} — cordless drill 18V, {price}, free shipping.", n=3)
T("en", "I typed {card_bad} and the site said 'invalid card number' — I'd swapped two digits.", n=2)
T("en", "Gift card code: {card_badprefix}. Redeem online before the end of the year.", n=2)
T("en", "Heads up: the IBAN {iban_bad} on the invoice fails the check digits, please confirm the correct one.", n=3)
T("en", "Order {order} placed on {date_en}: 2 items, total {price}. Thanks for shopping with us!", n=3)
T("en", "ISBN 978-0-14-143951-8, Penguin Classics, 480 pages. Publisher ref. 9921345.")
T("en", "Release 3.8.12 fixes a memory leak; build 20240502, requires Node 18.17.1 or later.")
T("en", "UPS tracking 1Z999AA10123456784 — out for delivery.")
T("en", "Opening hours: Mon–Fri 9:00–17:30, Sat 10:00–16:00. Closed on 25/12/2024.")
T("en", "Population (2021 census): 2,345,678; area 1,572 km²; density 1,492 per km².")
T("en", "Plot the points (1.5, 2.25) and (-3, 4.75), then find the gradient of the line through them.")
T("en", "The Statue of Liberty stands on Liberty Island at 40°41′21″N 74°02′40″W and is 93 m tall.")
T("en", "Big Ben (51.5007, -0.1246) is the nickname for the Great Bell of the clock at Westminster.")
T("en", "Mount Everest, at 27.9881, 86.9250, is the highest mountain above sea level.")
T("en", "Quarterly growth was 2.5, 3.1 and 2.8 percent respectively.")
T("en", "Visit our flagship store at 350 Fifth Avenue, New York, NY 10118 — open daily 10am–8pm.")
T("en", "The Town Hall, 1 High Street, Oxford OX1 4AA, is closed on bank holidays.")
T("en", "Dinner at Luigi's Trattoria, 27 Market Street, Manchester M1 1PW — book ahead on weekends.")
T("en", "St Mary's Hospital outpatients clinic, 40 Praed Street, London W2 1NY, opens at 8am.")
T("en", "The Natural History Museum, Cromwell Road, London SW7 5BD, is free to enter.")
T("en", "Our support team can be reached at the head office, 500 Market Street, San Francisco, CA 94105.")
T("en", "CSS tip: wrap it in @media screen and (min-width: 768px) and use @supports for grid fallbacks.")
T("en", "Decorate the method with @Override, or in Python use @property and @staticmethod.")
T("en", "Run npm install @types/node@20.11.5 and restart the dev server.")
T("en", "Use std::string and std::map<int, int>; the scope operator :: resolves names.")
T("en", "Device MAC address: 3C:22:FB:9A:10:7E (not an IP address).")
T("en", "Meet @ 6pm at the station, don't be late!")
T("en", "PLATINUM MEMBERS GET FREE SHIPPING. CHAMPION TIER UNLOCKS AT 500 POINTS.")
T("en", "A UK IBAN has 22 characters: GB, two check digits, a four-letter bank code, the sort code and the account number.")
T("en", "Card numbers are validated with the Luhn algorithm; Visa numbers start with 4 and Amex with 34 or 37.")
T("en", "Directions on Google Maps: https://www.google.com/maps/place/Tower+of+London — reviews and hours.")
T("en", "Flight BA 2490 departs 14:35 from gate 22; booking reference QX8L3M.")
T("en", "Final score 4,111,111 points — a new personal best on level 9!")
T("en", "Call 911 in an emergency or 999 in the UK; 112 works across the EU.")
T("en", "Barcode 5 012345 678900, oat milk 1 L, {price}.")
T("en", "Geolocation APIs return latitude and longitude; geofencing triggers alerts at boundaries.")
T("en", "The swift code review caught three bugs before release. SWIFT is also Apple's programming language.")
T("fr", "Le capitaine de l'équipe, BORDEAUX FC, a marqué deux buts ; score final 3-1.")
T("fr", "Exemple pédagogique (clé volontairement fausse) : un IBAN de la forme FR00 0000 0000 0000 0000 0000 000 est refusé.")

# ---------------------------------------------------------------- personal data: sentences in frames

FRAMES = {
    "fr": ["{s}", "{s}", "Bonjour à tous ! {s} Vous avez des conseils ?", "Salut ! {s} Merci d'avance pour vos réponses.",
           "{s} Je me sens un peu seul(e) avec ça, d'où ce message.", "Petit témoignage : {s}",
           "Je poste ici car je ne sais pas à qui en parler. {s}", "{s} Bref, voilà où j'en suis.",
           "Re: présentation\n{s} Ravi(e) de rejoindre le forum !", "Message du forum, section Entraide :\n{s}"],
    "en": ["{s}", "{s}", "Hi all! {s} Any advice?", "Throwaway account for obvious reasons. {s}",
           "{s} Just needed to get that off my chest.", "Quick intro: {s}", "Long-time lurker, first post. {s}",
           "{s} Anyway, thanks for reading.", "Update: {s}", "Reply to the thread: {s}"],
}
NEUTRAL_FRAMES = {
    "fr": ["{s}", "{s}", "{s}", "Extrait : {s}", "{s} (Source : dossier documentaire.)", "À lire : {s}"],
    "en": ["{s}", "{s}", "{s}", "From the article: {s}", "{s} (Source: reference page.)", "Did you know? {s}"],
}

PERSONAL = []  # (lang, sentence, labels)


def P(lang, labels, *sentences):
    for s in sentences:
        PERSONAL.append((lang, s, labels.split() if labels else []))


P("fr", "sensitive.health",
  "Je suis diabétique de type 1 depuis l'âge de 20 ans et je cherche un bon lecteur de glycémie.",
  "Mon médecin m'a diagnostiqué une sclérose en plaques en mars, je suis encore sous le choc.",
  "Je suis séropositif depuis 2015, le traitement est bien toléré.",
  "Ça fait deux ans que je me bats contre une dépression sévère.",
  "Ma femme a un cancer du sein, elle commence la chimio lundi.",
  "Je sors d'une hospitalisation pour une crise d'épilepsie.",
  "Je prends du Lévothyrox pour mon hypothyroïdie depuis cinq ans.",
  "Mon frère Julien est schizophrène et refuse son traitement.",
  "Je suis atteinte de la maladie de Crohn, quels aliments faut-il éviter ?",
  "J'ai fait une fausse couche la semaine dernière et je n'arrive pas à en parler autour de moi.",
  "Je suis en arrêt maladie pour un burn-out depuis janvier.",
  "On m'a posé un pacemaker l'an dernier, je peux reprendre le vélo ?",
  "Mon père a la maladie d'Alzheimer, il ne me reconnaît plus.",
  "Je suis asthmatique et la pollution de cet été m'a cloué au lit.",
  "Depuis mon AVC, je n'arrive plus à écrire de la main droite.")
P("fr", "sensitive.health sensitive.sex_life",
  "Ma libido est en berne depuis que je prends cet antidépresseur, mon couple en souffre.",
  "Je souffre de troubles de l'érection depuis mon opération de la prostate.")
P("en", "sensitive.health",
  "I was diagnosed with type 2 diabetes last spring and I'm still figuring out meals.",
  "My depression got so bad I couldn't work for six months.",
  "I'm HIV positive and have been undetectable since 2019.",
  "My wife is recovering from chemotherapy for ovarian cancer.",
  "I have bipolar disorder and lithium keeps me stable.",
  "Since my stroke in March I can't use my left hand properly.",
  "I'm on methadone for opioid addiction, day 200 today.",
  "My husband has epilepsy and had two seizures this week.",
  "I've had an eating disorder since college and I'm finally in therapy.",
  "I'm 32 weeks pregnant and just got diagnosed with preeclampsia.",
  "My mum Margaret is in the late stages of Parkinson's.",
  "I suffer from chronic migraines and take sumatriptan twice a week.",
  "After my double mastectomy I finally feel like myself again.",
  "I have celiac disease, so even a crumb of bread makes me ill for days.")
P("en", "sensitive.health sensitive.sex_life",
  "My low libido since starting antidepressants is ruining my marriage.",
  "I've had erectile dysfunction since my prostate surgery and we've stopped having sex.")

P("fr", "sensitive.religion",
  "Je suis musulmane pratiquante et je porte le voile depuis mes 20 ans.",
  "En tant que catholique, je vais à la messe tous les dimanches.",
  "Je me suis converti au judaïsme l'an dernier et nous mangeons casher à la maison.",
  "Je fais le ramadan cette année, vous avez des idées de repas pour le ftour ?",
  "Je suis bouddhiste depuis dix ans, la méditation m'a sauvé.",
  "Mon mari est protestant et moi athée, on ne sait pas comment célébrer la naissance du petit.",
  "Étant témoin de Jéhovah, je refuse les transfusions sanguines.",
  "Je suis orthodoxe et nous fêtons Noël le 7 janvier à la maison.",
  "J'ai quitté l'Église évangélique l'an dernier après quinze ans de pratique.",
  "Notre voisin, M. Benali, prie cinq fois par jour et jeûne pendant le ramadan.",
  "Je suis athée et fière de l'être.",
  "Je suis sikh et je porte le turban au travail sans aucun problème.",
  "Je suis chrétienne, ma foi m'aide beaucoup dans cette épreuve.")
P("en", "sensitive.religion",
  "As a practising Catholic, I go to confession once a month.",
  "I'm Muslim and I pray five times a day, even at the office.",
  "I converted to Judaism in 2018 and keep kosher at home.",
  "Being a Mormon, I don't drink coffee or alcohol.",
  "I'm an atheist raised in a Baptist family.",
  "My husband is Hindu and we celebrate Diwali with his parents.",
  "I'm a Sikh and wear a turban at work.",
  "I've been a born-again Christian since my twenties.",
  "As a Jehovah's Witness I won't accept a blood transfusion.",
  "I fast during Ramadan, any tips for staying energized at the gym?",
  "Our neighbour Mrs Kaur goes to the gurdwara every Sunday.",
  "I left the Catholic Church after 30 years and I'm now agnostic.",
  "I'm a Buddhist and meditate at the temple every morning before work.")

P("fr", "sensitive.politics",
  "Je suis adhérent au Parti socialiste depuis 2012 et je tracte tous les samedis.",
  "J'ai voté RN aux dernières européennes, et je l'assume.",
  "Militante écologiste, je suis encartée chez EELV depuis mes 19 ans.",
  "Mon beau-père est un fervent soutien de la France insoumise, les repas de famille sont tendus.",
  "Je suis anarchiste et je ne vote jamais.",
  "Je me présente sur la liste LR aux municipales de mon village.",
  "J'ai voté Macron au second tour, pas par conviction.",
  "Je suis communiste depuis toujours, comme mon grand-père.",
  "Je milite chez Reconquête depuis un an.",
  "Je suis royaliste et je milite pour le retour de la monarchie.",
  "Ma voisine Sandrine distribue des tracts pour le PCF chaque dimanche au marché.",
  "Je suis de gauche et j'ai toujours voté à gauche.",
  "J'ai rejoint Les Républicains l'année dernière.")
P("en", "sensitive.politics",
  "I've been a registered Democrat my whole life.",
  "I voted Leave in 2016 and I'd do it again.",
  "As a lifelong Labour member, I'm disappointed by the leadership.",
  "I'm a libertarian and I volunteer for the party's local campaign.",
  "My dad is a die-hard Trump supporter, so Thanksgiving is awkward.",
  "I canvassed for the Green Party every weekend last month.",
  "I'm a socialist and a member of the DSA chapter here.",
  "I voted Conservative for the first time this year.",
  "I'm a card-carrying Republican, but this bill is wrong.",
  "I joined the Liberal Democrats after the referendum.",
  "I'm a staunch monarchist, an unpopular opinion in my family.",
  "My sister Emma is a Reform UK activist.",
  "I've voted for the SNP in every election since 2007.")

P("fr", "sensitive.sexual_orientation",
  "Je suis lesbienne et j'ai fait mon coming out à 30 ans.",
  "En tant qu'homme gay, je me sens enfin accepté au travail.",
  "Je suis bi et mon copain le sait depuis le début.",
  "Mon fils m'a annoncé qu'il était homosexuel, comment l'accompagner ?",
  "Je suis asexuelle et j'en ai marre qu'on me dise que ça passera.",
  "Mon mari et moi (oui, je suis un homme) fêtons nos dix ans de mariage.",
  "Je suis pansexuel, ça pose problème sur les applis de rencontre.",
  "Ma sœur Claire vit avec sa compagne depuis 2010, elles vont se pacser.",
  "Je suis gay et j'ai peur de le dire à mes parents.",
  "Je suis une femme hétéro mais j'ai longtemps cru être bi.",
  "Je suis lesbienne et maman de deux enfants avec ma femme Sophie.",
  "Coming out à 45 ans : oui, je suis gay.",
  "Moi, homme bisexuel marié, je cherche un groupe de parole.")
P("en", "sensitive.sexual_orientation",
  "As a gay man in a small town, dating is tough.",
  "I'm bisexual and my girlfriend is totally fine with it.",
  "I came out as a lesbian to my parents at Christmas.",
  "I'm asexual, and no, I'm not just waiting for the right person.",
  "My brother Tom is gay and his husband is the best cook I know.",
  "As a queer woman, Pride month means a lot to me.",
  "My wife and I (yes, I'm a woman) just bought our first house.",
  "I'm straight but I've always been an ally.",
  "I only realised I was bi in my thirties.",
  "Our daughter-in-law Priya came out as a lesbian last year.",
  "I'm a gay dad of two and we just moved to Leeds.",
  "Out and proud lesbian here, happy to answer questions.",
  "I'm pansexual and dating apps never have the right checkbox.")

P("fr", "sensitive.sex_life",
  "Avec mon mari, on n'a plus de rapports depuis la naissance du bébé.",
  "J'ai trompé ma femme avec une collègue l'été dernier.",
  "Je suis échangiste et on va dans un club avec ma compagne une fois par mois.",
  "Je n'ai jamais eu de relation sexuelle, et j'ai 29 ans.",
  "J'ai eu plusieurs partenaires sexuels cette année, je devrais faire un dépistage ?",
  "Mon copain veut essayer le BDSM, moi pas trop.",
  "Je suis en couple libre avec Thomas depuis trois ans.",
  "On fait l'amour tous les jours depuis notre lune de miel, c'est normal ?",
  "Mon ex, Kevin, me trompait avec des inconnues rencontrées sur Tinder.",
  "J'ai couché avec mon meilleur ami samedi et maintenant c'est gênant.",
  "J'ai perdu ma virginité à 25 ans et je ne le regrette pas.")
P("en", "sensitive.sex_life",
  "My husband and I haven't had sex in over a year.",
  "I cheated on my girlfriend with her best friend.",
  "We're swingers and go to a club about once a month.",
  "I'm a 31-year-old virgin and honestly fine with it.",
  "My partner and I are polyamorous; I have two boyfriends.",
  "I slept with my coworker after the Christmas party.",
  "Since the baby, our sex life is basically nonexistent.",
  "I've had unprotected sex with three partners this year.",
  "My ex-husband Daniel was into BDSM and pushed me into it.",
  "We have sex almost every day, is that normal?",
  "I hooked up with a stranger from Tinder last weekend.")

P("fr", "sensitive.ethnicity",
  "En tant que femme noire, je subis des remarques tous les jours au boulot.",
  "Je suis d'origine algérienne par mon père et bretonne par ma mère.",
  "Je suis métisse et on me demande toujours d'où je viens « vraiment ».",
  "Mon mari est d'origine vietnamienne et nos enfants parlent trois langues.",
  "Je suis rom et j'ai grandi dans une caravane près de Montpellier.",
  "En tant qu'Asiatique en France, j'ai vécu beaucoup de racisme pendant le Covid.",
  "Je suis kabyle et fier de mes racines.",
  "Ma collègue Aïcha, d'origine marocaine, a été victime de propos racistes.",
  "Je suis une femme arabe et je porte fièrement mon prénom.",
  "Je suis noir et je me fais contrôler au faciès plusieurs fois par mois.",
  "Moi, Français d'origine sénégalaise, je me sens chez moi des deux côtés.",
  "Je suis d'origine turque et kurde.",
  "En tant que métis franco-ivoirien, je ne me reconnais dans aucune case.")
P("en", "sensitive.ethnicity",
  "As a Black woman in tech, I'm often the only one in the room.",
  "I'm half Korean, half Irish, and I love both cuisines.",
  "I'm British Pakistani and grew up in Bradford.",
  "As a Latina, I'm tired of being asked if I speak Spanish.",
  "I'm Native American, a member of the Navajo Nation.",
  "My husband is of Nigerian descent and we're planning a trip to Lagos.",
  "I'm mixed race and people always guess wrong.",
  "I'm a white South African who moved to Perth.",
  "Being Asian American, I faced a lot of hate during the pandemic.",
  "I'm Romani and my family still travels in summer.",
  "My colleague Kwame, who is Ghanaian, was passed over again.",
  "As an Indigenous Australian, land rights matter to me personally.",
  "I'm ethnically Jewish but not religious at all.")

P("fr", "sensitive.union",
  "Je suis syndiqué à la CGT depuis mon embauche en 2008.",
  "Déléguée syndicale FO, je représente les salariés de l'entrepôt.",
  "Je viens d'adhérer à la CFDT, ça peut m'aider pour mon licenciement ?",
  "Mon mari est élu SUD Rail et il est souvent en réunion.",
  "En tant que militant de la FSU, j'étais en grève jeudi.",
  "Je suis adhérente à l'UNSA Éducation depuis que je suis prof.",
  "J'ai pris ma carte à la CFE-CGC quand je suis passé cadre.",
  "Mon collègue Patrick, délégué CGT, a été convoqué par la direction.",
  "Je suis représentant syndical au CSE de mon usine.",
  "Je suis membre de Solidaires depuis cinq ans.",
  "Syndiquée au SNES, je participe à l'AG de demain.",
  "J'ai quitté la CFTC après douze ans d'adhésion.",
  "Délégué du personnel CGT, je suis protégé contre le licenciement, non ?")
P("en", "sensitive.union",
  "I'm a union rep for Unite at the warehouse.",
  "I've been a Teamsters member for 20 years.",
  "I joined the NEU last year when I started teaching.",
  "As a shop steward for UNISON I deal with grievances every week.",
  "My wife is in the nurses' union and they're striking Friday.",
  "I'm a member of the UAW local at the plant.",
  "I just signed my union card with the SEIU.",
  "I was elected branch secretary of the RMT.",
  "My dad has been in the IBEW since 1985.",
  "I'm a Unison member and I'll be on the picket line tomorrow.",
  "As a member of the Writers Guild, I was on strike for five months.",
  "Our colleague Mark, the GMB rep, was dismissed last week.",
  "I'm a paid-up member of the NASUWT.")

P("fr", "sensitive.biometric",
  "Mon empreinte digitale enregistrée sur la pointeuse du boulot ne passe plus depuis que je me suis brûlé le doigt.",
  "La banque a enregistré mon empreinte vocale pour valider mes virements, sans vraiment me demander.",
  "Mon visage a été enregistré par le système de reconnaissance faciale de l'aéroport, comment faire supprimer ces données ?",
  "Le club de sport a scanné mes empreintes digitales pour l'accès, est-ce légal ?",
  "L'ancien employeur de ma sœur Nadia a conservé ses empreintes digitales après son départ.",
  "Mon scan rétinien a été refusé à la borne, j'ai dû montrer mon passeport.",
  "J'ai transmis mes données biométriques (empreintes et photo faciale) pour mon titre de séjour.",
  "Le gabarit biométrique de mon visage est stocké sur le serveur de la cantine de l'entreprise.",
  "Mes empreintes ont été relevées au commissariat lors de ma garde à vue.",
  "On a pris mes empreintes et un scan de mon iris à l'arrivée à l'aéroport de Dubaï.",
  "Mon employeur veut remplacer mon badge par la reconnaissance de la paume de ma main, je refuse.",
  "L'appli de ma banque a gardé le modèle de mon visage après la vérification d'identité.")
P("en", "sensitive.biometric",
  "My fingerprints were taken at the border and stored in their database.",
  "My bank enrolled my voiceprint without asking me.",
  "The gym scanned my face for entry; can I ask them to delete the template?",
  "I had to give my iris scan to get my national ID card.",
  "My employer keeps my fingerprint template for the time clock.",
  "The app stored my face geometry data and I want it deleted.",
  "My husband's palm vein scan is used to open the office door.",
  "I submitted my biometrics (fingerprints and photo) at my visa appointment.",
  "Police took my fingerprints after the arrest last year.",
  "My facial recognition data was leaked in that data breach.",
  "My retina scan at the lab failed three times.",
  "The hospital's staff canteen uses my fingerprint for payments.",
  "My gait data from the airport's smart cameras was shared with a contractor.")

P("fr", "sensitive.genetic",
  "Le test de paternité a confirmé que Marc est bien mon père biologique.",
  "D'après mon test 23andMe, mon haplogroupe maternel est H1.",
  "J'ai mis mon profil ADN sur GEDmatch et j'ai trouvé un demi-frère.",
  "Mon séquençage génomique montre une variante du gène MTHFR.",
  "Le test ADN de mon grand-père montre qu'il n'est pas le fils de son père officiel.",
  "J'ai reçu les résultats de mon analyse génétique : deux copies de l'allèle APOE4.",
  "Mon profil génétique MyHeritage me relie à des cousins au Québec.",
  "Mon test ADN montre que je partage 50 % de mon ADN avec un inconnu.",
  "Le labo a gardé mon profil ADN après le prélèvement salivaire.")
P("fr", "sensitive.genetic sensitive.health",
  "Mon test ADN a révélé que je suis porteuse de la mutation BRCA1.",
  "Ma fille et moi sommes porteuses saines du gène de la mucoviscidose.",
  "Mon mari a fait un test génétique : il est porteur de la mutation de la maladie de Huntington.",
  "Mon caryotype est 47,XXY (syndrome de Klinefelter), je l'ai appris à 30 ans.")
P("en", "sensitive.genetic",
  "The paternity test proved that Jake isn't my biological son.",
  "I uploaded my raw DNA file to GEDmatch and found a half-sister.",
  "My whole-genome sequencing found a variant in the LDLR gene.",
  "My maternal haplogroup is U5b according to my DNA test.",
  "Our DNA test confirmed that my sister and I are only half-siblings.",
  "I have two copies of APOE4 according to my genotype report.",
  "My Ancestry DNA results matched me with a second cousin in Ohio.",
  "The lab extracted my DNA profile from the cheek swab and kept it on file.")
P("en", "sensitive.genetic sensitive.health",
  "My 23andMe results say I carry one copy of the cystic fibrosis gene.",
  "My genetic test shows I have the BRCA2 mutation.",
  "My husband tested positive for the Huntington's gene.",
  "My DNA results show I'm a carrier for Tay-Sachs.",
  "My genetic screening showed I carry the sickle cell trait.")

P("fr", "minor",
  "Ma fille de 12 ans veut un téléphone, quel forfait me conseillez-vous ?",
  "Je suis en 4e et je galère en maths, quelqu'un peut m'aider ?",
  "J'ai 15 ans et je cherche un petit job pour l'été.",
  "Mon fils de 8 ans ne veut plus aller au foot, que faire ?",
  "Je suis né en {yy_minor} et je m'intéresse à la programmation.",
  "Mon petit frère de 9 ans m'a piqué ma console.",
  "Je suis en seconde au lycée et je veux faire médecine plus tard.",
  "Notre fils Lucas entre en CP en septembre.",
  "Ma nièce Léa, 16 ans, cherche un stage d'observation.",
  "J'ai 13 ans, est-ce que je peux ouvrir un compte en banque ?",
  "Ma fille est en CM2 et elle a peur d'entrer au collège.",
  "Mes jumeaux de 6 ans ne dorment pas avant 22 h.",
  "Je suis collégienne en 3e et je dois trouver un stage.",
  "Née en {yy_minor}, je suis la plus jeune de ma classe de danse.")
P("fr", "minor sensitive.health",
  "Mon fils de 10 ans est diabétique, comment gérer la cantine ?")
P("en", "minor",
  "My 13-year-old daughter wants Instagram, should I let her?",
  "I'm 15 and looking for a summer job in retail.",
  "I'm in 8th grade and my math teacher hates me.",
  "Our son Jake just turned 10 and wants a Switch.",
  "I was born in {yy_minor} and I'm learning Python.",
  "My little sister (11) is obsessed with horses.",
  "I'm a high school sophomore, is it too early to think about college?",
  "My nephew, 7, wants to learn chess, any books?",
  "I'm 16, can I get a credit card?",
  "My twins are 4 and won't eat vegetables.",
  "Our daughter starts Year 7 in September.",
  "I'm 14 and I just finished my first marathon!",
  "Happy 12th birthday to my boy Ethan!")
P("en", "minor sensitive.health",
  "My 9-year-old has ADHD and his teacher wants a meeting.")

# --- personal hard negatives. N: generic/encyclopedic (neutral frame); M: first person, no disclosure.
NEG = []  # (lang, sentence, personal_frame)


def N(lang, *sentences):
    NEG.extend((lang, s, False) for s in sentences)


def M(lang, *sentences):
    NEG.extend((lang, s, True) for s in sentences)


N("fr",
  "Le diabète de type 1 est une maladie auto-immune caractérisée par la destruction des cellules bêta du pancréas.",
  "Chocolat noir sans sucre ajouté, idéal pour les personnes diabétiques. Tablette de 100 g.",
  "Selon Santé publique France, la grippe a causé près de 9 000 décès cet hiver.",
  "Le VIH se transmet par voie sexuelle et sanguine ; le dépistage est gratuit dans les CeGIDD.",
  "Recette de fondant au chocolat sans gluten, parfait pour les personnes cœliaques.",
  "La dépression touche environ une personne sur cinq au cours de sa vie.",
  "Chaussettes spéciales pieds diabétiques, sans couture, lot de 3 paires.",
  "Le cancer du sein est le cancer le plus fréquent chez la femme en France.",
  "Le ramadan est le neuvième mois du calendrier musulman.",
  "Le bouddhisme est né en Inde au Ve siècle avant notre ère.",
  "La cathédrale Notre-Dame de Paris, chef-d'œuvre de l'art gothique, a rouvert en décembre 2024.",
  "Pâques tombe le 31 mars cette année : chocolats en promo dans tous nos magasins !",
  "Le festival de musique sacrée se tiendra dans l'abbaye du 3 au 7 juillet.",
  "L'Assemblée nationale compte 577 députés élus au scrutin uninominal majoritaire à deux tours.",
  "Le second tour de l'élection présidentielle aura lieu le 7 mai.",
  "Sondage : 42 % des Français jugent la réforme des retraites injuste.",
  "Le Parti socialiste a été fondé en 1969 au congrès d'Alfortville.",
  "Notre politique de retour : 30 jours pour changer d'avis, remboursement sous 14 jours.",
  "La dépénalisation de l'homosexualité en France date de 1982.",
  "Le mariage pour tous a été adopté en 2013 après de longs débats.",
  "La marche des fiertés partira de Montparnasse à 14 h samedi.",
  "Une étude estime que 7 % des adultes se déclarent LGBT.",
  "L'éducation à la sexualité est obligatoire au collège depuis 2001.",
  "Les IST se transmettent lors de rapports non protégés ; utilisez un préservatif.",
  "Ce film est déconseillé aux moins de 16 ans en raison de scènes de sexe.",
  "Rapport annuel 2023 : chiffre d'affaires en hausse de 12 %.",
  "Le créole réunionnais est parlé par environ 600 000 personnes.",
  "Recette du couscous algérien traditionnel : semoule, pois chiches et légumes de saison.",
  "Le musée de l'histoire de l'immigration retrace deux siècles d'arrivées en France.",
  "La loi interdit en principe les statistiques ethniques en France.",
  "La CGT a été fondée en 1895 à Limoges.",
  "Grève SNCF : trafic très perturbé jeudi, prévoyez un autre moyen de transport.",
  "Le taux de syndicalisation en France est d'environ 10 %.",
  "Le syndicat de copropriété se réunira en assemblée générale le 12 juin.",
  "L'Union européenne compte 27 États membres.",
  "La biométrie regroupe les techniques d'identification fondées sur des caractéristiques physiques.",
  "Déverrouillage par empreinte digitale et reconnaissance faciale : ce smartphone coûte 399 €.",
  "La CNIL encadre l'usage de la reconnaissance faciale dans l'espace public.",
  "Des empreintes de dinosaures découvertes dans le Jura datent de 150 millions d'années.",
  "Empreinte carbone : comment réduire la vôtre de 20 % en un an.",
  "L'ADN est une molécule en double hélice dont la structure a été décrite en 1953.",
  "La mucoviscidose est la maladie génétique grave la plus fréquente en France.",
  "C'est dans l'ADN de notre marque : qualité, proximité et savoir-faire.",
  "Les tests génétiques récréatifs sont interdits en France hors cadre médical.",
  "Kit de test ADN pour chien : découvrez les races de votre compagnon.",
  "Vente d'alcool interdite aux mineurs de moins de 18 ans.",
  "Jouet en bois pour enfants de 3 à 6 ans, certifié CE.",
  "Whisky single malt 12 ans d'âge, 70 cl.",
  "Le collège accueille 600 élèves de la 6e à la 3e.",
  "Notre entreprise fête ses 10 ans : -10 % sur tout le site !",
  "Film déconseillé aux moins de 12 ans.",
  "Stage de tennis pour les 8-12 ans pendant les vacances de printemps.",
  "Cancer (21 juin – 22 juillet) : cette semaine, Vénus favorise vos amours.",
  "Offre d'emploi : 15 ans d'expérience minimum en gestion de projet exigés.")
M("fr",
  "Je suis malade de jalousie quand je vois ses photos de vacances !",
  "Je ne suis pas diabétique, c'est juste que j'évite le sucre.",
  "Si j'étais enceinte, je crois que j'arrêterais le vélo.",
  "Je suis mort de rire devant cette vidéo.",
  "Ce match m'a rendu fou, quelle fin !",
  "Je suis Cancer ascendant Lion, ça explique tout.",
  "Mon Dieu, quelle chaleur aujourd'hui !",
  "Le foot, c'est ma religion.",
  "Sans vouloir lancer de débat religieux, la crèche de la mairie est vraiment jolie.",
  "Quelle politique de prix pour ma boutique en ligne ? Je vends des bijoux faits main.",
  "Il fait un temps gai aujourd'hui, le soleil brille !",
  "Ce café est super gay-friendly, on y va quand vous voulez.",
  "J'adore la cuisine marocaine, surtout le tajine aux pruneaux.",
  "J'ai 34 ans et je reprends mes études.",
  "Il y a 14 ans, j'ai ouvert ma boutique à Nantes.",
  "Je suis né en {yy_adult} et j'ai connu le Minitel.",
  "Ma fille vient d'avoir 18 ans, elle passe le permis la semaine prochaine.",
  "Mon fils de 25 ans vit encore chez nous.",
  "15 ans d'expérience en plomberie, devis gratuit.",
  "J'ai 18 ans depuis hier, enfin majeur !",
  "J'ai une faim de loup et une fatigue de chien ce soir.",
  "Si je faisais le ramadan, je ne tiendrais pas une journée !",
  "Je ne fais pas de politique, je veux juste que la route soit réparée.",
  "Je suis fan de ce groupe depuis que j'ai 40 ans, c'est dire.",
  "Je suis syndic bénévole de ma copropriété depuis deux ans.",
  "J'ai perdu mon empreinte de pas dans le sable, très poétique.",
  "J'ai un fils et une fille, tous deux à la fac maintenant.")
N("en",
  "Type 2 diabetes accounts for about 90% of diabetes cases worldwide.",
  "Sugar-free gummy bears, suitable for diabetics. Pack of 12.",
  "Symptoms of depression include persistent sadness and loss of interest.",
  "What to do if someone has a seizure: stay calm, time it, and don't restrain them.",
  "HIV is a virus that attacks the immune system; testing is free at sexual health clinics.",
  "Gluten-free banana bread recipe, perfect for anyone with coeliac disease.",
  "Breast cancer screening is offered every three years to women aged 50 to 71.",
  "Hinduism is the world's third-largest religion, with over a billion followers.",
  "The cathedral was consecrated in 1220 and is a UNESCO World Heritage Site.",
  "Christmas opening hours: we close at 4pm on the 24th.",
  "Kosher salt has larger flakes than table salt, so use a bit more.",
  "The Reformation began in 1517 when Luther posted his theses.",
  "The Labour Party was founded in 1900.",
  "Polling stations open at 7am and close at 10pm.",
  "Our privacy policy explains how we use cookies.",
  "The Senate passed the bill 52 to 48 on Tuesday.",
  "Political science is the study of governance and power.",
  "Same-sex marriage was legalised in England and Wales in 2014.",
  "The Pride parade starts at noon on Saturday.",
  "Straight-leg jeans are back in fashion this autumn.",
  "The bi-monthly newsletter goes out on the 1st.",
  "Surveys suggest around 3% of adults identify as bisexual.",
  "Sex education is compulsory in secondary schools in England.",
  "Condoms are 98% effective when used correctly.",
  "Select your sex: Male / Female / Prefer not to say.",
  "Romance novels with steamy scenes are booming on BookTok.",
  "The census recorded 14 ethnic groups in the county.",
  "Authentic Korean BBQ sauce, 500 ml bottle.",
  "Black Friday deals: 30% off all laptops.",
  "The Navajo Nation is the largest reservation in the United States.",
  "Asian markets closed higher on Monday.",
  "The Trades Union Congress represents 48 unions.",
  "Union Station reopens after renovation next month.",
  "Rail strike: no trains on Saturday.",
  "The European Union's single market covers 450 million people.",
  "Credit union savings rates compared: which is best?",
  "Union membership in the US fell to 10% in 2023.",
  "Biometric authentication uses fingerprints, face or iris to verify identity.",
  "This laptop has a fingerprint reader and face login.",
  "Carbon footprint calculators help households cut emissions.",
  "The regulator published guidance on facial recognition in retail.",
  "Dinosaur footprints were found on the Isle of Skye.",
  "DNA was first isolated by Friedrich Miescher in 1869.",
  "Innovation is in our DNA.",
  "Huntington's disease is caused by a CAG repeat expansion.",
  "Genetic testing kits are on sale this week: 40% off.",
  "The Human Genome Project finished in 2003.",
  "You must be 18 or over to buy this product.",
  "Suitable for ages 8-12.",
  "This 12-year-old scotch is smooth with a hint of smoke.",
  "Children under 12 ride free on weekends.",
  "The 10-year-old bridge already needs repairs.",
  "Cancer (June 21 – July 22): a good week for money matters.",
  "Job requirements: 15 years of experience in project management.")
M("en",
  "This traffic is giving me a heart attack lol.",
  "I'm not depressed, just tired of the rain.",
  "If I were pregnant I'd probably skip the rollercoaster.",
  "I'm sick of this weather.",
  "That exam killed me.",
  "I'm a Cancer, so I'm very emotional, apparently.",
  "Oh my God, this cake is amazing.",
  "Football is basically a religion in this town.",
  "Office politics can be exhausting, so here are five tips.",
  "I'm a huge fan of white wine with fish.",
  "I'm 34 and going back to school.",
  "14 years ago I opened my first shop.",
  "I was born in {yy_adult} and remember dial-up.",
  "My son is 25 and still lives at home.",
  "My daughter just turned 18 and moved out for university.",
  "I've got 15 years of experience in plumbing, free quotes.",
  "If I had diabetes I'd have to give up my morning pastries.",
  "I'm dying to see the new Bond film.",
  "I'm crazy about this new album.",
  "Our relationship with suppliers is based on trust.",
  "I love Korean food, especially bibimbap.",
  "I'm a member of the local book club and the chess society.",
  "My kids are both grown up and working in London now.",
  "I'm straight-up exhausted after that shift.",
  "We voted on the new office layout today, open plan won.")

# --- more positives where counts were short
T("fr", "Merci d'indiquer le code BIC {bic} et l'IBAN {iban} sur l'ordre de virement.", "banking.bic", n=3)
T("en", "Bank: {bic} (SWIFT), account IBAN {iban}. Please quote invoice {order}.", "banking.bic", n=3)
T("fr", "Le notaire m'a envoyé ses coordonnées bancaires mais j'ai besoin des miennes pour le remboursement : BIC {bic}, RIB {rib}.", "banking.bic", n=2)
T("en", "Paying me from the US? You'll need the SWIFT {bic} plus my account number.", "banking.bic", n=2)
T("fr", "Changement de banque : voici mon nouveau RIB {rib}, merci de mettre à jour le prélèvement.", n=2)
T("fr", "Abonnement salle de sport : mandat SEPA signé avec le RIB {rib}.", n=2)
T("fr", "Rejoins-moi ici, je suis chez moi : {geouri}", n=2)
T("en", "I'm home all day, come by: {geouri}", n=2)
T("fr", "Abonnez-vous à mon compte {handle} pour suivre la rénovation de la maison !", n=2)
T("en", "New vlog up! Subscribe and follow {handle} for behind-the-scenes.", n=2)

# --- more hard negatives: generated look-alikes in ordinary contexts
T("fr", "Votre numéro de dossier : {card_badprefix}. Conservez-le pour toute correspondance.", n=3)
T("en", "Your claim reference is {card_badprefix}. Keep it for your records.", n=3)
T("fr", "Numéro de série de l'appareil : {card_bad}. Garantie 2 ans.", n=3)
T("en", "Serial number: {card_bad}. Two-year warranty.", n=3)
T("en", "The IBAN {iban_bad} bounced: 'invalid check digits'. Can you resend?", n=2)
T("fr", "Copie d'écran : IBAN {iban_bad} — la banque indique « IBAN invalide ».", n=2)
T("fr", "Erreur de saisie : {nir_bad} (clé incorrecte), merci de ressaisir votre numéro.", n=2)
T("fr", "Facture {order} — montant TTC {price} — échéance au {date_fr}.", n=3)
T("en", "Invoice {order}, amount due {price}, due {date_en}.", n=3)
T("fr", "Je suis né en {yy_adult}, j'ai donc {adult_age} ans cette année, et toujours fan de BD.", n=2)
T("en", "Born in {yy_adult}, so I'm {adult_age} this year and still can't cook.", n=2)

N("fr",
  "Recette de la pâte à crêpes : 250 g de farine, 4 œufs, 50 cl de lait, 1 pincée de sel, 50 g de beurre fondu. Laisser reposer 1 h.",
  "Gratin dauphinois pour 6 personnes : 1,5 kg de pommes de terre, 50 cl de crème, 2 gousses d'ail, cuisson 1 h 15 à 160 °C.",
  "Aspirateur balai sans fil 25,2 V, autonomie 45 min, bac 0,6 L, poids 2,8 kg. Garantie 2 ans.",
  "Casque Bluetooth 5.3, réduction de bruit active, 30 h d'autonomie, charge rapide USB-C.",
  "Le conseil municipal a voté hier le budget 2024 : 12,4 millions d'euros, dont 3 millions d'investissements.",
  "La Loire est le plus long fleuve de France avec 1 006 km ; elle prend sa source au mont Gerbier-de-Jonc.",
  "Offre d'emploi : développeur C++ H/F, CDI, Lyon, 45-55 k€, télétravail partiel, candidature via notre site.",
  "Très bon restaurant, service rapide, les desserts sont faits maison. Je recommande le fondant.",
  "Hôtel propre et bien situé, mais petit-déjeuner décevant pour 18 € par personne.",
  "Le TGV 6605 Paris–Marseille part à 7 h 07 de la gare de Lyon, voie 15.",
  "Météo : 24 °C à Toulouse, orages possibles en soirée sur les Pyrénées.",
  "Ligue 1 : Lyon s'impose 3-1 face à Nantes, doublé de l'attaquant en seconde période.",
  "La photosynthèse convertit l'énergie lumineuse en énergie chimique dans les chloroplastes.",
  "Napoléon Bonaparte est né le 15 août 1769 à Ajaccio.",
  "Tutoriel : pour installer Python 3.12, téléchargez l'installateur puis cochez « Add to PATH ».",
  "Le Petit Prince, d'Antoine de Saint-Exupéry, a été publié en 1943 à New York.",
  "Promo : -30 % sur les canapés jusqu'au 15 mars, livraison offerte dès 500 € d'achat.",
  "Le marché de Noël ouvre le 22 novembre place Kléber, de 11 h à 20 h.",
  "Le taux du livret A reste fixé à 3 % jusqu'au 31 janvier.",
  "Astuce jardin : taillez les rosiers fin février, juste au-dessus d'un bourgeon tourné vers l'extérieur.",
  "Quelqu'un sait comment régler le carburateur d'une 103 SP ? Elle cale au ralenti.",
  "Le nouveau forfait mobile à 9,99 €/mois inclut 100 Go de données en 5G.",
  "Kit de développement : 1 carte, 1 câble USB, 40 fils de prototypage, guide de démarrage.",
  "L'équation x² − 5x + 6 = 0 a pour solutions x = 2 et x = 3.",
  "Le spectacle dure 1 h 45 sans entracte ; ouverture des portes 30 minutes avant.",
  "Cette année, la fête de la musique tombe un vendredi ; le programme est en ligne.",
  "Le pont de Normandie, long de 2 143 m, relie Le Havre à Honfleur.",
  "Avis : livraison en 48 h, colis bien emballé, taille conforme. Je recommande ce vendeur.")
N("en",
  "Pancake batter: 200 g flour, 2 eggs, 300 ml milk, a pinch of salt. Rest for 30 minutes.",
  "Slow-cooker chilli for 6: 500 g beef mince, 2 tins kidney beans, 1 tbsp cumin, cook 8 hours on low.",
  "Cordless vacuum, 25.2V, 45-minute runtime, 0.6 L bin, weighs 2.8 kg. Two-year warranty.",
  "Wireless earbuds with active noise cancelling, 30 hours of battery life and USB-C fast charging.",
  "The council approved a £12.4m budget last night, including £3m for road repairs.",
  "The Thames is 346 km long and flows through Oxford, Reading and London.",
  "Job ad: Senior C++ Engineer, full-time, hybrid, $140k–$170k. Apply through our careers page.",
  "Great little café, friendly staff and the best flat white in town. Five stars.",
  "The hotel was clean and central, but breakfast at $25 a head was disappointing.",
  "The 07:15 service to Edinburgh departs from platform 4.",
  "Weather: highs of 24°C, with thunderstorms likely this evening.",
  "Premier League: Arsenal beat Villa 3-1 with a second-half double.",
  "Photosynthesis converts light energy into chemical energy inside chloroplasts.",
  "Abraham Lincoln was born on February 12, 1809, in Kentucky.",
  "Tutorial: to install Python 3.12, run the installer and tick 'Add to PATH'.",
  "Pride and Prejudice was first published in 1813.",
  "Sale: 30% off sofas until March 15, free delivery on orders over $500.",
  "The Christmas market opens on November 22, 11am to 8pm daily.",
  "Garden tip: prune roses in late February just above an outward-facing bud.",
  "Anyone know how to adjust the idle on a 1998 Honda Civic? It stalls at lights.",
  "The new phone plan is $15/month with 100 GB of 5G data.",
  "Solve x² − 5x + 6 = 0: the roots are x = 2 and x = 3.",
  "The show runs 1 hour 45 minutes with no interval; doors open 30 minutes before.",
  "The Golden Gate Bridge is 2,737 m long and opened in 1937.",
  "Review: arrived in two days, well packaged, fits as expected. Would buy again.",
  "Quarterly revenue rose 8% to $4.2bn, beating analyst estimates.",
  "The museum's new wing displays 300 works from the 19th century.",
  "Version 2.0 of the API deprecates the v1 endpoints; migrate by June 30.")


def s_date_fr(c):
    return "%02d/%02d/%d" % (R.randint(1, 28), R.randint(1, 12), c.year), None


def s_date_en(c):
    return "%s %d, %d" % (R.choice(["March", "April", "June", "October"]), R.randint(1, 28), c.year), None


SLOTS["date_fr"] = s_date_fr
SLOTS["date_en"] = s_date_en


def s_adult_age(c):
    return str(c.year - c.born), None


def s_yy_adult2(c):
    c.born = c.year - R.randint(25, 60)
    return str(c.born), None


SLOTS["adult_age"] = s_adult_age
SLOTS["yy_adult"] = s_yy_adult2
SLOT_RE = re.compile(r"\{([a-z_0-9]+)\}")


def count_before(raw, span, offset):
    """Occurrence index of span at byte offset, counted like the evaluator (overlapping finds)."""
    n, i = 0, raw.find(span)
    while i != -1 and i < offset:
        n += 1
        i = raw.find(span, i + 1)
    assert i == offset
    return n


def render(lang, template, extra):
    c = Ctx(lang)
    c.year = R.choice([2023, 2024, 2024, 2025])
    date = "%d-%02d-%02d" % (c.year, R.randint(1, 12), R.randint(1, 28))
    out, spans, pos = [], [], 0
    for m in SLOT_RE.finditer(template):
        out.append(template[pos:m.start()])
        value, cat = SLOTS[m.group(1)](c)
        if cat:
            spans.append((cat, len("".join(out).encode()), value))
        out.append(value)
        pos = m.end()
    out.append(template[pos:])
    text = "".join(out)
    raw = text.encode()
    labels = []
    for cat, off, value in spans:
        lab = {"category": cat, "span": value}
        occ = count_before(raw, value.encode(), off)
        if occ:
            lab["occurrence"] = occ
        labels.append(lab)
    for lab in extra:
        if ":" in lab:  # literal span label "category:span"
            cat, span = lab.split(":", 1)
            assert span in text, (span, text)
            labels.append({"category": cat, "span": span})
        elif lab not in [l["category"] for l in labels]:
            labels.append({"category": lab})
    return {"lang": lang, "date": date, "text": text, "labels": labels}


def build():
    docs = []
    for lang, text, labels, n in TEMPLATES:
        for _ in range(n):
            docs.append(render(lang, text, labels))
    for lang, s, labels in PERSONAL:
        docs.append(render(lang, R.choice(FRAMES[lang]).replace("{s}", s, 1) if "{" not in s else
                           R.choice(FRAMES[lang]).replace("{s}", s), labels))
    for lang, s, personal in NEG:
        frame = R.choice(FRAMES[lang] if personal else NEUTRAL_FRAMES[lang])
        docs.append(render(lang, frame.replace("{s}", s), []))
    return docs


def main():
    outdir = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))
    docs = build()
    by_lang = {"fr": [], "en": []}
    for d in docs:
        by_lang[d["lang"]].append(d)
    for lang, items in by_lang.items():
        R.shuffle(items)
        with open(os.path.join(outdir, "corpus_%s.jsonl" % lang), "w", encoding="utf-8") as f:
            for i, d in enumerate(items, 1):
                rec = {"id": "%s-%04d" % (lang, i), "lang": d["lang"], "date": d["date"], "text": d["text"],
                       "labels": d["labels"]}
                f.write(json.dumps(rec, ensure_ascii=False) + "\n")
        print("%s: %d snippets" % (lang, len(items)))
    bad = sum(check(os.path.join(outdir, "corpus_%s.jsonl" % lang)) for lang in by_lang)
    if bad:
        sys.exit("%d possible labelling problems" % bad)




# ---------------------------------------------------------------- self-check of the written files
# Looks for identifiers that a careless template would leave unlabelled (or labelled but invalid).

EMAIL_RE = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
HANDLE_RE = re.compile(r"(?<![\w.@/])@[A-Za-z0-9_][A-Za-z0-9_.]*")
IP4_RE = re.compile(r"(?<![\d.])(?:\d{1,3}\.){3}\d{1,3}(?![\d.]\d)")
CARD_RE = re.compile(r"(?<!\d)\d(?:[ -]?\d){12,18}(?!\d)")
IBAN_RE = re.compile(r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]){11,30}")


# Intended hard negatives: code decorators, CSS at-rules, npm scopes (not social-network handles).
INTENDED = {"@angular", "@types", "@media", "@import", "@supports", "@Override", "@Deprecated", "@property",
            "@staticmethod.", "core@17.1.0", "node@20.11.5"}


def check(path):
    problems = 0
    for line in open(path, encoding="utf-8"):
        d = json.loads(line)
        text, labels = d["text"], d["labels"]
        spans = [(l["category"], l.get("span")) for l in labels]
        covered = lambda s: any(sp and (s in sp or sp in s) for _, sp in spans)
        found = []
        found += [("id.email", m.group()) for m in EMAIL_RE.finditer(text)]
        found += [("id.handle", m.group()) for m in HANDLE_RE.finditer(text)
                  if not EMAIL_RE.search(text[max(0, m.start() - 40):m.end() + 1])]
        found += [("id.ip", m.group()) for m in IP4_RE.finditer(text)
                  if all(int(x) <= 255 for x in m.group().split("."))]
        for m in CARD_RE.finditer(text):
            dg = re.sub(r"\D", "", m.group())
            if luhn_ok(dg) and dg[0] in "23456":
                found.append(("banking.card", m.group()))
        for m in IBAN_RE.finditer(text):
            if iban_ok(m.group().rstrip()):
                found.append(("banking.iban", m.group()))
        if phonenumbers is not None:
            for region in ("FR", "GB", "US"):
                for m in phonenumbers.PhoneNumberMatcher(text, region):
                    found.append(("id.phone", m.raw_string))
        for cat, s in found:
            if s in INTENDED or (cat == "id.phone" and "RIB" in text and "rib" not in [c for c, _ in spans]):
                continue  # a bank account number (bad-key RIB) is not a phone number
            if not covered(s):
                print("%s: %s: possible unlabelled %s: %r" % (path, d["id"], cat, s))
                problems += 1
        for cat, sp in spans:
            if cat == "id.phone" and phonenumbers is not None:
                if not any(phone_valid(sp, r) for r in ("FR", "GB", "US", "BE", "DE", "CH")):
                    print("%s: %s: invalid phone label" % (path, d["id"]))
                    problems += 1
    return problems


if __name__ == "__main__":
    main()
