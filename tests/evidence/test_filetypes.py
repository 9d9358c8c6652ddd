"""Files are accepted by what they contain; the name must agree with the content."""

from __future__ import annotations

import pytest

from tests.evidence import samples
from tracker.evidence import filetypes
from tracker.evidence.filetypes import FileRefused


def check(tmp_path, name: str, content: bytes) -> filetypes.Verdict:
    path = tmp_path / "upload.part"
    path.write_bytes(content)
    return filetypes.check(path, len(content), name)


@pytest.mark.parametrize(("name", "make", "mime"), samples.ACCEPTED)
def test_every_accepted_type_is_recognised_by_content(tmp_path, name, make, mime):
    verdict = check(tmp_path, name, make())
    assert verdict.content_type == mime
    assert verdict.name == name


@pytest.mark.parametrize(
    ("name", "make", "found"),
    [
        ("报告.pdf", samples.elf, "an executable program"),
        ("报告.docx", samples.windows_exe, "an executable program"),
        ("报告.pdf", samples.html, "a web page (HTML)"),
        ("说明.txt", samples.html, "a web page (HTML)"),
        ("报告.xlsx", lambda: samples.ooxml("docx"), "a Word document (DOCX)"),
        ("报告.docx", samples.plain_zip, "a ZIP archive"),
        ("报告.doc", samples.pdf, "a PDF document"),
        ("照片.png", samples.jpeg, "a JPEG image"),
        ("报告.pdf", lambda: b"\x00\x01\x02\x03" * 100, "unrecognised data"),
        ("报告.zip", lambda: b"PK\x03\x04 but not really a zip", "a damaged ZIP archive"),
    ],
)
def test_content_that_does_not_match_the_name_is_refused(tmp_path, name, make, found):
    with pytest.raises(FileRefused) as refused:
        check(tmp_path, name, make())
    assert found in refused.value.message
    assert name in refused.value.message
    assert refused.value.field == "file"


@pytest.mark.parametrize("name", ["setup.exe", "run.sh", "page.html", "noextension", "a.svg"])
def test_other_extensions_are_refused_with_the_list_of_accepted_types(tmp_path, name):
    with pytest.raises(FileRefused, match="Accepted: PDF, OFD"):
        check(tmp_path, name, samples.pdf())


def test_an_empty_file_is_refused(tmp_path):
    with pytest.raises(FileRefused, match="is empty"):
        check(tmp_path, "空白.pdf", b"")


def test_binary_data_is_not_text(tmp_path):
    with pytest.raises(FileRefused):
        check(tmp_path, "data.txt", b"abc\x00\x01\x02def")


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("../../etc/报告.pdf", "报告.pdf"),
        ("..\\..\\Windows\\报告.pdf", "报告.pdf"),
        ("C:\\Users\\张三\\Desktop\\报告.pdf", "报告.pdf"),
        ("/tmp/x/关于规范性文件审查的报告.pdf", "关于规范性文件审查的报告.pdf"),
        ("报\x00告\n.pdf", "报告.pdf"),
        ("gpj\u202e.exe", "gpj.exe"),  # no right-to-left override to disguise the extension
        ("..", ""),
        ("", ""),
        (None, ""),
    ],
)
def test_names_lose_path_parts_and_control_characters(raw, clean):
    assert filetypes.clean_name(raw) == clean


def test_long_names_are_shortened_keeping_the_extension():
    name = "关" * 296 + ".pdf"
    assert len(name) == 300
    short = filetypes.clean_name(name)
    assert len(short) == 255 and short.endswith(".pdf") and short.startswith("关关关")
    assert filetypes.clean_name("a" * 255 + ".pdf") == "a" * 251 + ".pdf"


def test_extension_check_ignores_case(tmp_path):
    assert check(tmp_path, "报告.PDF", samples.pdf()).extension == "pdf"


def test_without_libmagic_an_upload_it_must_check_is_refused_with_a_message(tmp_path, monkeypatch):
    """libmagic loads at the first upload that needs it; on a server without it such an upload
    is refused with a message (and `tracker doctor` names the cause), never a server error."""
    import builtins

    real_import = builtins.__import__

    def no_magic(name, *args, **kwargs):
        if name == "magic":
            raise ImportError("failed to find libmagic")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_magic)
    with pytest.raises(FileRefused, match="cannot check this kind of file"):
        check(tmp_path, "审查意见.doc", samples.ole())
    # a PDF is recognised by its signature alone: still accepted
    assert check(tmp_path, "报告.pdf", samples.pdf()).content_type == "application/pdf"
