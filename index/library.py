"""The library facade: open an index folder, add and remove reports, search, browse chunks."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from contextlib import nullcontext
from pathlib import Path
from typing import Iterable

from fanwen.index import building, identity
from fanwen.index.building import IngestReport, Progress
from fanwen.index.errors import FanwenError, InvalidInput, NotFound
from fanwen.index.ingest.chunking import ChunkParams
from fanwen.index.ingest.limits import ReadLimits
from fanwen.index.ingest.pipeline import ParsedDocument, parse_file
from fanwen.index.records import Chunk, Document, Hit, embedded_text_of
from fanwen.index.retrieval.embed import Embedder
from fanwen.index.retrieval.intent import parse_intent, topic_words, validate_roles
from fanwen.index.retrieval.lexicon import formal_terms
from fanwen.index.retrieval.params import SearchParams, validate_fusion, validate_mode
from fanwen.index.retrieval.relevance import Verdict, held_words, judge, listed, threshold_for
from fanwen.index.retrieval.results import SearchResult
from fanwen.index.retrieval.search import SearchRequest, query_terms, run_search, validate_k, validate_offset
from fanwen.index.retrieval.search import ranked_hits as run_ranked
from fanwen.index.retrieval.thesaurus import expand
from fanwen.index.retrieval.tokenize import default_tokenizer
from fanwen.index.storage.engine import open_engine

UPLOADS = building.UPLOADS
COMMIT_FILES = 16  # files per generation when indexing a folder (a write costs what it adds, so this is cheap)
# Threads that only hand queries to the model's owner thread and wait (retrieval/embed.py): many are cheap.
_EMBEDDING = ThreadPoolExecutor(max_workers=64, thread_name_prefix="fanwen-query")


class Library:
    """One index folder and the model that reads it; searches never see a half-written index."""

    def __init__(self, home: Path, embedder: Embedder, vector_kind: str = "flat",
                 chunk_params: ChunkParams = ChunkParams(), tokenize=None, rebuild: bool = False,
                 params: SearchParams = SearchParams(), topic_vectors: bool | None = None,
                 read_limits: ReadLimits | None = None, database_url: str | None = None):
        """`rebuild=True` starts from an empty index (any model); the old one stays live until the first write.

        `params` holds every ranking constant (see retrieval/params.py); `topic_vectors` says whether writes
        also embed each chunk's first sentence (default: when the ranking uses them, since it doubles the cost).
        `database_url` (postgresql://…) keeps the index in PostgreSQL + pgvector instead of `home`.
        """
        self.home = Path(home)
        self.params = params
        self.topic_vectors = params.topic_vectors if topic_vectors is None else topic_vectors
        self.embedder = embedder
        self.vector_kind = vector_kind
        self.chunk_params = chunk_params
        self.read_limits = read_limits  # what a file may inflate to when read (None: ReadLimits())
        self.tokenize = tokenize or default_tokenizer()
        self._names: tuple = (None, {})
        self.engine = open_engine(self.home, embedder, vector_kind, chunk_params.to_dict(), self.tokenize, rebuild,
                                  self.topic_vectors, database_url)

    @property
    def snapshot(self):
        """What searches read: the live index (see storage/engine.py); another process's write shows
        within a second."""
        return self.engine.view()

    # ---- reading -------------------------------------------------------------------------
    def display_name(self, doc_id: str) -> str:
        """The document's title, told apart from others with the same title (see identity.display_names)."""
        snap = self.snapshot
        if self._names[0] is not snap:
            self._names = (snap, identity.display_names(snap.docs))
        return self._names[1].get(doc_id, doc_id)

    def _named(self, hits: list[Hit]) -> list[Hit]:
        for hit in hits:
            hit.title = self.display_name(hit.chunk.doc)
        return hits

    def documents(self) -> list[Document]:
        return sorted(self.snapshot.docs.values(), key=lambda d: d.id)

    def document(self, doc_id: str) -> Document:
        try:
            return self.snapshot.docs[doc_id]
        except KeyError:
            raise identity.unknown_document(doc_id) from None

    def chunk(self, chunk_id: int) -> Chunk:
        try:
            return self.snapshot.chunks[int(chunk_id)]
        except (KeyError, ValueError):
            raise NotFound(f"unknown chunk id {chunk_id!r}",
                           zh=f"没有编号为 {chunk_id!r} 的段落：范文库可能已更新，请重新检索") from None

    def neighbours(self, chunk_id: int) -> tuple[Chunk | None, Chunk | None]:
        chunk, snap = self.chunk(chunk_id), self.snapshot
        order = snap.by_doc[chunk.doc]
        pos = order.index(chunk.id)
        before = snap.chunks[order[pos - 1]] if pos > 0 else None
        after = snap.chunks[order[pos + 1]] if pos + 1 < len(order) else None
        return before, after

    def search(self, query: str, k: int = 5, roles=None, docs: Iterable[str] | None = None,
               per_doc: int | None = None, mode: str = "hybrid", fusion: str | None = None,
               offset: int = 0) -> SearchResult:
        """Hits offset … offset + k of the result order; `per_doc` and `fusion` default to the library's
        SearchParams (the per-report cap shapes the first results only, see search.result_order)."""
        snap, params = self.snapshot, self.params  # one snapshot for the whole query, whatever a writer does
        intent = parse_intent(query, params.inferred_intent, params.long_query)
        request = self._request(snap, k, roles, docs, per_doc, mode, fusion)
        request.offset = validate_offset(offset)
        request.intent_roles, request.strengths, request.lead = intent.roles, intent.strengths, intent.lead
        # The model reads role words as context (问题 … 不够), so it gets the whole query by default.
        text = intent.query if params.full_query_vector else intent.topic  # validated: no controls, surrogates
        # The model embeds the query while the keyword index is read (latency: the longer of the two, not
        # their sum); a database engine's keyword SQL runs in the server, truly beside it.
        vector = None if mode == "keyword" else _EMBEDDING.submit(lambda: self.embedder.embed_queries([text])[0])
        try:
            with _pinned(snap):
                return self._ranked_page(snap, intent, request, vector)
        finally:
            if vector is not None:
                vector.cancel()

    def _ranked_page(self, snap, intent, request: SearchRequest, vector) -> SearchResult:
        typed = snap.keywords.terms(intent.topic)
        terms, request.weights = query_terms(snap.keywords, intent.topic, self.params, intent.long, typed)
        request.topic = topic_words(typed)  # what the reader typed: no synonym or bigram
        request.typed = typed
        known = held_words(snap.keywords, request.topic)
        # Nothing but role words (开头, 存在的问题, 问题部分的开头): the roles are the whole request, so they
        # filter, and there is no topic the no-match guard could judge.
        browse = bool(intent.roles) and not request.topic and not request.roles
        source = "filter" if request.roles else ("query" if intent.roles else "")
        if browse:  # its words are role words, no search terms (开头 would search its synonym 起来)
            request.roles, terms, request.weights = list(intent.roles), [], {}
        params = self.params.for_passages() if intent.long else self.params
        ranked = run_ranked(snap, vector, terms, request, params)
        if browse:
            verdict = listed(ranked, weak=False)
        else:
            verdict = self._judged(snap, ranked, request.topic, known, vector is not None, intent.topic)
        if verdict.none and intent.role_words and not request.roles:
            # Nothing matches the topic (开头 足球比赛, 原因部分的开头 承上启下), but the role words can still be
            # answered: paragraphs of those roles, flagged weak, rather than an empty page.
            request.roles = list(intent.roles)
            ranked = run_ranked(snap, vector, terms, request, params)
            verdict = listed(ranked, weak=True)
        page = [] if verdict.none else self._named(ranked[request.offset:request.offset + request.k])
        return SearchResult(intent.query, intent.topic, request.roles or intent.roles, request.topic, page,
                            request.offset, not verdict.none and len(ranked) > request.offset + request.k,
                            verdict.weak and not verdict.none, source)

    def _judged(self, snap, ranked: list[Hit], topic: list[str], known: list[str], embedded: bool,
                text: str) -> Verdict:
        """Rate the hits against the typed topic words (relevance.judge); `text` is the query's topic text."""
        threshold = threshold_for(self.embedder.name, embedded_text_of(snap.manifest)) if embedded else None
        # Asked only when no typed word is held (rare, and one round trip on a database, two at most).
        related = [] if known else self._related(snap, topic, text)
        return judge(ranked, topic, known, threshold, related)

    def _related(self, snap, topic: list[str], text: str) -> list[str]:
        """Held words a query in plain words stands for: 词林 synonyms of its words, else the 公文 wording of
        its phrases (撂挑子 → 不作为)."""
        related = expand(topic, snap.keywords.holding) if self.params.synonym_weight else []
        if not related and self.params.plain_word_weight:
            related = sorted(snap.keywords.holding(formal_terms(text, snap.keywords.analyzer)))
        return related

    def similar(self, chunk_id: int, k: int = 5) -> list[Hit]:
        """More like this: by the chunk's own stored vector, without its document's overlapping text."""
        chunk, snap = self.chunk(chunk_id), self.snapshot
        request = SearchRequest(k=validate_k(k), exclude={chunk.id})
        with _pinned(snap):
            vector = snap.vectors.get([chunk.id])[0]
            terms, request.weights = query_terms(snap.keywords, chunk.text, self.params, passage=True)
            hits = self._named(run_search(snap, vector, terms, request, self.params.for_passages()))
        return [hit for hit in hits if not _overlapping(hit.chunk, chunk)]

    def _request(self, snap, k, roles, docs, per_doc, mode, fusion) -> SearchRequest:
        docs = [d for d in (docs or []) if d]
        for doc in docs:
            if doc not in snap.docs:
                # 404 like any unknown id: no schema can list the documents a library holds
                raise NotFound(f"unknown document {doc!r}: allowed {', '.join(sorted(snap.docs)) or 'none'}",
                               zh=f"范文库里没有文档“{doc}”：可选 {'、'.join(sorted(snap.docs)) or '（空）'}")
        return SearchRequest(k=validate_k(k), roles=validate_roles(roles), docs=docs, per_doc=per_doc,
                             mode=validate_mode(mode), fusion=validate_fusion(fusion or self.params.fusion))

    # ---- writing -------------------------------------------------------------------------
    def add_paths(self, paths: Iterable[Path], progress: Progress | None = None) -> IngestReport:
        """Index files and folders; a bad file in a folder is skipped and reported."""
        report, parsed = IngestReport(), []
        for path in building.expand_paths(paths, report):
            try:
                parsed.append(parse_file(path, self.chunk_params, limits=self.read_limits))
            except FanwenError as exc:
                report.skipped.append((str(path), str(exc)))
        # A generation every COMMIT_FILES files: an interrupted run loses one batch at most, and the
        # next run skips the committed files (same path and sha256 = unchanged).
        total, done = sum(len(doc.pieces) for doc in parsed), 0
        for start in range(0, max(len(parsed), 1), COMMIT_FILES):
            batch = parsed[start:start + COMMIT_FILES]
            shifted = progress and (lambda n, _t, label, base=done: progress(base + n, total, label))
            self._apply(batch, [], report, shifted)
            done += sum(len(doc.pieces) for doc in batch)
        return report

    def add_file(self, path: Path, doc_id: str | None = None, progress: Progress | None = None,
                 replace: str | None = None) -> tuple[str, IngestReport]:
        """Index one file; returns the document id it used. A file never replaces another document unless
        `replace` names it. A bad file raises (UnsupportedFormat, UnreadableFile)."""
        if replace is not None:
            self._held(replace)  # before the parse: an unknown id is a 404, not a wasted read
        return self.add_parsed(parse_file(Path(path), self.chunk_params, doc_id, self.read_limits), progress, replace)

    def add_parsed(self, parsed: ParsedDocument, progress: Progress | None = None,
                   replace: str | None = None) -> tuple[str, IngestReport]:
        """Index a file already parsed (a server parses uploads in a worker process); as add_file."""
        if replace is not None:
            self._held(replace)
        report = IngestReport()
        self._apply([parsed], [], report, progress, replace)
        return parsed.doc_id, report

    def rebuild(self, paths: Iterable[Path] = (), drop_missing: bool = False,
                progress: Progress | None = None) -> IngestReport:
        """A fresh index of every document the library holds (uploads re-read from their kept originals,
        ids kept) plus `paths`. Refuses, naming them, when sources are gone, unless `drop_missing`."""
        try:
            held = list(self.engine.held_documents().values())
        except FanwenError:
            held = []  # a damaged index: the kept originals and the given paths are what can be recovered
        missing = [doc for doc in held if not Path(doc.path).is_file()]
        if missing and not drop_missing:
            names = "; ".join(f"{doc.id} ({doc.path})" for doc in missing[:5])
            raise InvalidInput(f"rebuild would drop {len(missing)} document(s) whose source file is gone: {names}; "
                               f"put the files back, or rebuild with --drop-missing", field="rebuild",
                               zh=f"重建会丢掉 {len(missing)} 份原文件已不在的文档：{names}；"
                                  f"请把文件放回原处，或加 --drop-missing 重建")
        report, parsed = IngestReport(), []
        sources = [(Path(doc.path), doc.id) for doc in held if doc not in missing]
        sources += [(path, None) for path in self._kept_originals()]
        sources += [(path, None) for path in building.expand_paths(paths, report)]
        for path, doc_id in sources:
            try:
                parsed.append(parse_file(path, self.chunk_params, doc_id, self.read_limits))
            except FanwenError as exc:
                report.skipped.append((str(path), str(exc)))
        self.engine.start_rebuild()
        self._apply(parsed, [], report, progress)
        return report

    def _kept_originals(self) -> list[Path]:
        folder = self.home / building.UPLOADS
        return sorted(p for p in folder.glob("*/*") if p.is_file()) if folder.is_dir() else []

    def remove(self, doc_id: str) -> int:
        """Drop a document, its chunks and, when it was uploaded, its stored original."""
        gone = self._apply([], [doc_id], IngestReport(), None, must_exist=True)  # checked under the write lock
        return sum(doc.chunks for doc in gone)

    def _held(self, doc_id: str) -> Document:
        """A document the library holds. The view may lag another process's write by a moment,
        so a miss asks the engine afresh before it is a NotFound."""
        doc = self.snapshot.docs.get(doc_id) or self.engine.held_documents().get(doc_id)
        if doc is None:
            raise identity.unknown_document(doc_id)
        return doc

    def _apply(self, parsed: list[ParsedDocument], removals: list[str], report: IngestReport, progress,
               replace: str | None = None, must_exist: bool = False) -> list[Document]:
        gone = self.engine.apply(parsed, removals, report, progress, replace, must_exist)
        for doc in gone:  # only once the new generation is live
            building.delete_original(doc, self.home)
        return gone


def _pinned(snap):
    """One consistent read for a whole search where the engine needs it (a database transaction)."""
    reading = getattr(snap, "reading", None)
    return reading() if reading is not None else nullcontext(snap)


def _overlapping(left: Chunk, right: Chunk) -> bool:
    return left.doc == right.doc and left.start < right.end and right.start < left.end
