#!/usr/bin/python3
"""Writes pages.warc.gz, the example WARC capture (fictitious sites and people).

One gzip member per record, as crawlers write WARC files. Deterministic: the
same bytes every run. Usage: examples/dumps/make_warc.py [OUT]
"""
import gzip
import hashlib
import io
import sys
import uuid

DATE = "2024-11-02T10:00:00Z"


def record(rtype, uri, block, extra=None, n=[0]):
    n[0] += 1
    rid = uuid.uuid5(uuid.NAMESPACE_URL, f"moisson-example-{n[0]}")
    headers = [("WARC-Type", rtype), ("WARC-Record-ID", f"<urn:uuid:{rid}>"), ("WARC-Date", DATE)]
    if uri:
        headers.append(("WARC-Target-URI", uri))
    headers += extra or []
    headers.append(("Content-Length", str(len(block))))
    head = "WARC/1.1\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers) + "\r\n"
    raw = head.encode() + block + b"\r\n\r\n"
    buf = io.BytesIO()
    with gzip.GzipFile(fileobj=buf, mode="wb", mtime=0) as gz:
        gz.write(raw)
    return buf.getvalue()


def response(uri, body, content_type="text/html; charset=utf-8", extra_headers=()):
    if isinstance(body, str):
        body = body.encode("utf-8")
    http = "HTTP/1.1 200 OK\r\nContent-Type: " + content_type + "\r\n"
    http += "".join(f"{k}: {v}\r\n" for k, v in extra_headers)
    http += f"Content-Length: {len(body)}\r\n\r\n"
    block = http.encode("latin-1") + body
    digest = "sha256:" + hashlib.sha256(body).hexdigest()
    return record("response", uri, block, [("Content-Type", "application/http; msgtype=response"),
                                           ("WARC-Payload-Digest", digest)])


def page(title, body, head="", lang="fr"):
    return (f"<!DOCTYPE html><html lang=\"{lang}\"><head><meta charset=\"utf-8\"><title>{title}</title>{head}"
            f"</head><body>{body}</body></html>")


out = []
out.append(record("warcinfo", None, b"software: moisson example generator\r\nformat: WARC File Format 1.1\r\n",
                  [("Content-Type", "application/warc-fields")]))
out.append(record("request", "https://domaine-des-coteaux.example/actualites/vendanges-2024",
                  b"GET /actualites/vendanges-2024 HTTP/1.1\r\nHost: domaine-des-coteaux.example\r\n\r\n",
                  [("Content-Type", "application/http; msgtype=request")]))
out.append(response("https://domaine-des-coteaux.example/actualites/vendanges-2024", page(
    "Vendanges 2024 au Domaine des Coteaux",
    "<header><nav><a href='/'>Accueil</a> | <a href='/vins'>Nos vins</a></nav></header>"
    "<article><h1>Vendanges 2024</h1><p>Les vendanges ont commencé le 12 septembre sous un beau soleil. "
    "Le millésime s'annonce <b>prometteur</b> : raisins sains, belle acidité.</p>"
    "<p>Notre caveau, 4 route des Vignes, 21200 Beaune, est ouvert du mardi au samedi.</p>"
    "<p>Réservations : contact@domaine-des-coteaux.example</p></article>"
    "<script>var tracker = 'ne doit pas apparaître';</script>"
    "<footer>© Domaine des Coteaux</footer>")))
out.append(response("https://blog.photo-nature.example/2024/10/brame-du-cerf", page(
    "Le brame du cerf", "<p>Récit d'une nuit d'affût en forêt.</p>",
    head="<meta name=\"robots\" content=\"noai, noimageai\">")))
out.append(response("https://intranet.association-quartier.example/compte-rendu", page(
    "Compte rendu interne", "<p>Réunion du bureau, points divers.</p>"),
    extra_headers=[("X-Robots-Tag", "noindex")]))
latin1 = page("Petite annonce : donne chaton",
              "<p>Je donne un chaton de 3 mois, très câlin. Venez le chercher : j'habite au 12 rue des Lilas, "
              "75011 Paris, le soir après 18 h.</p>").replace("utf-8", "windows-1252")
out.append(response("https://annonces-voisins.example/a/chaton", latin1.encode("cp1252"),
                    content_type="text/html; charset=windows-1252"))
out.append(response("https://rando-amis.example/sortie/bivouac", page(
    "Bivouac au lac", "<p>Rendez-vous au parking du lac pour le bivouac de samedi.</p>",
    head="<meta name=\"geo.position\" content=\"45.8326;6.8652\"><meta name=\"ICBM\" content=\"45.8326, 6.8652\">")))
out.append(record("conversion", "https://teen-talk.example/threads/exams",
                  "Exams are killing me\n\nI'm 15 and in 10th grade, and my maths exam is on Monday. "
                  "Anyone else revising this weekend?\n".encode(),
                  [("Content-Type", "text/plain"), ("WARC-Refers-To", "<urn:uuid:00000000-0000-0000-0000-000000000000>")]))
# A pornographic site that no list names (fictitious): judged by its content,
# content.adult. Its words are those of such sites' navigation, nothing more.
out.append(response("https://videos-libres.example/categories", page(
    "Vidéos X gratuites - Films X en HD - Porno amateur",
    "<header><p>Site réservé aux adultes. 18+ only : entrer / sortir</p><nav>Accueil | Catégories | Pornstars | "
    "Live cams</nav></header><h1>Toutes les catégories</h1><ul><li>Porno amateur (1 204 vidéos)</li>"
    "<li>Milf (988)</li><li>Hentai (412)</li><li>Webcam sexe (377)</li><li>Gros seins (650)</li>"
    "<li>Sexe amateur (1 530)</li></ul><p>Vidéos X gratuites mises à jour chaque jour, films X en HD.</p>"
    "<footer>18 U.S.C. 2257 | DMCA</footer>")))
out.append(response("https://domaine-des-coteaux.example/img/logo.png", b"\x89PNG\r\n\x1a\n" + bytes(32),
                    content_type="image/png"))

path = sys.argv[1] if len(sys.argv) > 1 else "pages.warc.gz"
with open(path, "wb") as f:
    f.write(b"".join(out))
