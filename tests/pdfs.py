"""Real PDFs for tests, written by hand (not by the library the application reads them with):
pages of text in a standard font, a document information dictionary and an XMP packet when
asked, a correct cross-reference table. And an encrypted one, which needs a real encryptor."""

from __future__ import annotations

import io
import zlib

from pypdf import PdfReader, PdfWriter


def _literal(text: str) -> bytes:
    out = bytearray(b"(")
    for byte in text.encode("cp1252", errors="replace"):
        if byte in b"()\\":
            out += b"\\" + bytes([byte])
        elif 32 <= byte < 127:
            out.append(byte)
        else:
            out += b"\\%03o" % byte
    return bytes(out + b")")


def xmp_packet(creator: str, title: str = "") -> bytes:
    return (
        '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>'
        '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        '<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/">'
        f'<dc:creator><rdf:Seq><rdf:li>{creator}</rdf:li></rdf:Seq></dc:creator>'
        f'<dc:title><rdf:Alt><rdf:li xml:lang="x-default">{title}</rdf:li></rdf:Alt></dc:title>'
        '</rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end="w"?>'
    ).encode()


def make_pdf(*pages: str, info: dict[str, str] | None = None, xmp: bytes | None = None,
             compress_xmp: bool = False, padding: int = 0) -> bytes:
    """A PDF with one page per text given (one page saying "A paper" if none), ``info`` as its
    document information dictionary (keys without the slash: {"Author": ...}) and ``xmp`` as
    the document's XMP metadata stream, Flate-compressed on request; ``padding`` bytes in a
    stream that nothing uses make it as large as needed."""
    texts = pages or ("A paper",)
    objects: list[bytes] = [b"", b""]  # the catalog and the page tree, filled in below
    font = 3
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
    kids = []
    for text in texts:
        content = b"BT /F1 12 Tf 72 770 Td " + _literal(text) + b" Tj ET"
        objects.append(b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream")
        objects.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents %d 0 R"
                       b" /Resources << /Font << /F1 %d 0 R >> >> >>" % (len(objects), font))
        kids.append(len(objects))
    catalog = b"<< /Type /Catalog /Pages 2 0 R"
    if xmp is not None:
        data = zlib.compress(xmp) if compress_xmp else xmp
        flate = b" /Filter /FlateDecode" if compress_xmp else b""
        objects.append(b"<< /Type /Metadata /Subtype /XML /Length %d%s >>\nstream\n" % (len(data), flate)
                       + data + b"\nendstream")
        catalog += b" /Metadata %d 0 R" % len(objects)
    if padding:
        objects.append(b"<< /Length %d >>\nstream\n" % padding + b"0" * padding + b"\nendstream")
    objects[0] = catalog + b" >>"
    objects[1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (b" ".join(b"%d 0 R" % k for k in kids), len(kids))
    info_ref = b""
    if info:
        objects.append(b"<< " + b" ".join(b"/" + k.encode() + b" " + _literal(v) for k, v in info.items()) + b" >>")
        info_ref = b" /Info %d 0 R" % len(objects)
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R%s >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, info_ref, xref)
    return bytes(out)


def encrypted_pdf(password: str = "secret") -> bytes:
    """A PDF that needs a password to open (RC4, which pypdf writes without extra packages)."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(make_pdf("A secret paper"))))
    writer.encrypt(user_password=password, owner_password=password + "-owner", algorithm="RC4-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()
