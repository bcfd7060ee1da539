#!/usr/bin/python3
"""Generate a deterministic static web site for crawl benchmarks.

Writes into DIR:
  robots.txt              "User-agent: *" / "Allow: /"
  index.html              the start page: links to page 0 and ~20 others
  p/SSS/IIIII.html        N pages (SSS = I // 1000, so no directory holds
                          more than 1000 files)

Every page is 4-8 KB of HTML: a title, an <h1>, paragraphs of French
(60 %) or English (40 %) prose built from word lists, and 5-10 links to
other pages of the site (absolute paths). Page i always links to page
i+1 (the last page to page 0), so a crawl from /index.html reaches every
page; the other links are random. A few pages also link off-site
(https://www.example.org/...), which a same-host crawler must skip.
About 15 % of pages carry a fictional e-mail address (@example.org,
@example.com, @example.net) and about 10 % a fictional French phone
number: 01 99 00 xx xx (the ARCEP range reserved for fiction) or
06 12 34 xx xx / +33 6 12 34 xx xx — all valid for libphonenumber.

Output depends only on (N, seed). Pages are generated in parallel by
worker processes (each page has its own seeded RNG), ~2-3 s for 20 000
pages on 2 cores. Prints one JSON line: pages, files, bytes,
pages_with_email, pages_with_phone, links, seconds.

Usage: bench/gen_site.py DIR [--pages N] [--seed S] [--overwrite]
"""

import argparse
import json
import multiprocessing
import os
import random
import shutil
import sys
import time

FR = """le la les un une des du de et à en dans pour par sur avec sans sous entre vers chez
ce cette ces son sa ses leur leurs notre nos votre vos qui que dont où mais ou donc or ni car
est sont était sera peut doit fait font avait ont a été être avoir faire dire aller voir
savoir pouvoir vouloir venir devoir prendre trouver donner parler aimer passer mettre
ville village région pays maison rue place marché mairie école collège lycée université
gare route pont rivière fleuve montagne forêt champ jardin parc plage port quartier
habitant habitants famille enfant enfants élève élèves parent parents voisin voisins
association club équipe conseil municipal maire commune département projet travaux
année mois semaine jour soir matin printemps été automne hiver saison fête festival
concert spectacle exposition musée bibliothèque théâtre cinéma livre journal article
histoire patrimoine église château moulin ferme vigne vin fromage pain boulangerie
restaurant café terrasse repas cuisine recette produit local artisan commerce emploi
nouveau nouvelle grand grande petit petite beau belle ancien ancienne premier première
dernier dernière public publique simple important importante prochain prochaine libre
très plus moins aussi encore toujours déjà bientôt souvent parfois ensemble ici là
cependant pourtant ainsi alors enfin également notamment surtout environ près loin
réunion rencontre atelier visite balade randonnée course vélo sport match tournoi
budget aide subvention service accueil information inscription programme calendrier
eau électricité énergie climat environnement nature arbre fleur oiseau animal
transport bus train voiture parking circulation sécurité santé médecin pharmacie
témoignage souvenir tradition culture langue musique chanson danse peinture photo""".split()

EN = """the a an of and to in for on with by from at as into over under between about
this that these those its their our your his her which who whose where when while
is are was were will be been being have has had do does did can could should would may
make take give find tell ask work seem feel try leave call keep begin show hear play run
town city village county country house street square market hall school college
university station road bridge river lake hill forest field garden park beach harbour
people family child children student students parent parents neighbour neighbours
council committee team club project community volunteer board member members mayor
year month week day evening morning spring summer autumn winter season fair festival
concert show exhibition museum library theatre cinema book newspaper story report
history heritage church castle mill farm orchard bakery bread cheese cider apple
restaurant kitchen recipe meal product local craft shop business job market stall
new old great small large little first last next public open free simple important
very more less also still always already soon often sometimes together here there
however although therefore finally especially mostly nearly around near far away
meeting workshop visit walk hike race bike sport match tournament game training
budget grant service welcome information registration programme schedule timetable
water energy climate environment nature tree flower bird animal weather rain sun
transport bus train car parking traffic safety health doctor nurse pharmacy clinic
memory tradition culture language music song dance painting photo picture gallery""".split()

FIRST = "jeanne louis camille hugo léa lucas chloé nathan emma jules alice paul marie arthur".split()
LAST = "martin bernard dubois thomas robert richard petit durand leroy moreau simon laurent".split()
DOMAINS = ["example.org", "example.com", "example.net"]

SHARD = 1000


def page_path(i):
    return f"/p/{i // SHARD:03d}/{i:05d}.html"


def _sentence(rng, words):
    n = rng.randint(6, 18)
    ws = rng.choices(words, k=n)
    if n > 9 and rng.random() < 0.4:
        ws[rng.randint(3, n - 4)] += ","
    s = " ".join(ws)
    return s[0].upper() + s[1:] + rng.choice(".....?!")


def _paragraph(rng, words):
    return " ".join(_sentence(rng, words) for _ in range(rng.randint(3, 7)))


def _phone(rng):
    a, b = rng.randint(0, 99), rng.randint(0, 99)
    kind = rng.random()
    if kind < 0.5:
        return f"01 99 00 {a:02d} {b:02d}"
    if kind < 0.8:
        return f"06 12 34 {a:02d} {b:02d}"
    return f"+33 6 12 34 {a:02d} {b:02d}"


def _email(rng):
    return f"{rng.choice(FIRST)}.{rng.choice(LAST)}@{rng.choice(DOMAINS)}"


def render_page(i, n, seed):
    """HTML of page i (of n) and the facts the summary counts."""
    rng = random.Random(seed * 1_000_003 + i)
    fr = rng.random() < 0.6
    words = FR if fr else EN
    title = " ".join(rng.choices(words, k=rng.randint(4, 8))).capitalize()
    targets = {(i + 1) % n}
    want = rng.randint(5, 10)
    while len(targets) < min(want, n - 1):
        j = rng.randrange(n)
        if j != i:
            targets.add(j)
    targets = sorted(targets, key=lambda _: rng.random())
    anchors = [(page_path(j), " ".join(rng.choices(words, k=rng.randint(2, 4)))) for j in targets]
    inline, listed = anchors[:2], anchors[2:]
    target_size = rng.randint(4400, 7000)

    parts = [f'<!doctype html>\n<html lang="{"fr" if fr else "en"}">\n<head>\n<meta charset="utf-8">\n'
             f"<title>{title}</title>\n"
             f'<meta name="description" content="{_sentence(rng, words)}">\n</head>\n<body>\n'
             f'<header><a href="/index.html">{"Accueil" if fr else "Home"}</a></header>\n'
             f"<main>\n<article>\n<h1>{title}</h1>\n"]
    size = sum(map(len, parts)) + 600
    k = 0
    while size < target_size:
        p = _paragraph(rng, words)
        if k < len(inline):
            href, text = inline[k]
            p += f' <a href="{href}">{text}</a>.'
            k += 1
        parts.append(f"<p>{p}</p>\n")
        size += len(p) + 8
    has_email = rng.random() < 0.15
    has_phone = rng.random() < 0.10
    if has_email or has_phone:
        bits = []
        if has_email:
            e = _email(rng)
            bits.append(f'<a href="mailto:{e}">{e}</a>' if rng.random() < 0.5 else e)
        if has_phone:
            bits.append(_phone(rng))
        lead = "Pour nous joindre :" if fr else "To reach us:"
        parts.append(f"<p>{lead} {(' ou ' if fr else ' or ').join(bits)}.</p>\n")
    parts.append(f'</article>\n<aside>\n<h2>{"Voir aussi" if fr else "See also"}</h2>\n<ul>\n')
    for href, text in listed:
        parts.append(f'<li><a href="{href}">{text}</a></li>\n')
    offsite = rng.random() < 0.05
    if offsite:
        parts.append(f'<li><a href="https://www.example.org/{i}">www.example.org</a></li>\n')
    parts.append("</ul>\n</aside>\n</main>\n<footer>© 2024</footer>\n</body>\n</html>\n")
    return "".join(parts), has_email, has_phone, len(targets)


def _write_range(args):
    root, lo, hi, n, seed = args
    nbytes = emails = phones = links = 0
    for i in range(lo, hi):
        html, e, p, nl = render_page(i, n, seed)
        data = html.encode("utf-8")
        with open(root + page_path(i), "wb") as f:
            f.write(data)
        nbytes += len(data)
        emails += e
        phones += p
        links += nl
    return nbytes, emails, phones, links


def index_html(n, seed):
    rng = random.Random(seed)
    picks = sorted({0, *rng.sample(range(n), min(n, 20))})
    items = "".join(f'<li><a href="{page_path(j)}">Page {j}</a></li>\n' for j in picks)
    return ('<!doctype html>\n<html lang="fr">\n<head><meta charset="utf-8"><title>Accueil</title></head>\n'
            f"<body>\n<h1>Accueil</h1>\n<ul>\n{items}</ul>\n</body>\n</html>\n")


def generate(root, n=20000, seed=1, jobs=None):
    """Write the site into `root`; return the summary dict."""
    t0 = time.monotonic()
    os.makedirs(root, exist_ok=True)
    for s in range((n + SHARD - 1) // SHARD):
        os.makedirs(os.path.join(root, "p", f"{s:03d}"), exist_ok=True)
    with open(os.path.join(root, "robots.txt"), "w") as f:
        f.write("User-agent: *\nAllow: /\n")
    with open(os.path.join(root, "index.html"), "w") as f:
        f.write(index_html(n, seed))
    step = 500
    tasks = [(root, lo, min(n, lo + step), n, seed) for lo in range(0, n, step)]
    jobs = jobs or os.cpu_count() or 1
    if jobs > 1 and len(tasks) > 1:
        with multiprocessing.get_context("fork").Pool(jobs) as pool:
            results = pool.map(_write_range, tasks, chunksize=1)
    else:
        results = [_write_range(t) for t in tasks]
    nbytes, emails, phones, links = (sum(col) for col in zip(*results)) if results else (0, 0, 0, 0)
    return {"pages": n, "files": n + 2, "bytes": nbytes, "pages_with_email": emails,
            "pages_with_phone": phones, "links": links,
            "seconds": round(time.monotonic() - t0, 3)}


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("dir")
    ap.add_argument("--pages", type=int, default=20000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--jobs", type=int, default=None, help="worker processes (default: all cores)")
    ap.add_argument("--overwrite", action="store_true",
                    help="replace an existing site in DIR (removes DIR/p, index.html, robots.txt)")
    args = ap.parse_args(argv)
    if args.pages < 2:
        ap.error("--pages must be at least 2")
    if os.path.isdir(args.dir) and os.listdir(args.dir):
        if not args.overwrite:
            ap.error(f"{args.dir} is not empty (use --overwrite)")
        shutil.rmtree(os.path.join(args.dir, "p"), ignore_errors=True)
    print(json.dumps(generate(args.dir, args.pages, args.seed, args.jobs)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
