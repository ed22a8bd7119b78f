"""Record batches read whatever bytes they hold: a header key that is not UTF-8 is kept (escaped) for the consumer
loop to dead-letter, instead of failing the fetch before the loop ever sees the record."""

import struct
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Self

import aiokafka.consumer.fetcher
from aiokafka.codec import gzip_decode, lz4_decode, snappy_decode, zstd_decode
from aiokafka.errors import CorruptRecordException
from aiokafka.record.default_records import DefaultRecordBatch
from aiokafka.record.legacy_records import LegacyRecordBatch

LOG_OVERHEAD = 12
"""Every batch (all three formats) starts with its base offset (int64) and its length (int32) after them."""
MAGIC_AT = 16
RECORDS_AT = 61
"""Where a v2 batch's records start, after its header."""
ESCAPED = "surrogateescape"
"""A key's bytes that are not UTF-8 become lone surrogates: a str still, never encodable strictly, and its bytes
given back by `encode("utf-8", ESCAPED)`."""
HEADER = struct.Struct(">qiibIhiqqqhii")
"""A v2 batch's header: base offset, length, leader epoch, magic, crc, attributes, last offset delta, first and
max timestamps, producer id and epoch, base sequence, record count."""
CODEC_MASK = 0x07
LOG_APPEND_TIME = 0x08
DECOMPRESS = {1: gzip_decode, 2: snappy_decode, 3: lz4_decode, 4: zstd_decode}


def key_is_utf8(key: str) -> bool:
    """False for a header key read from bytes that were not UTF-8 (see ESCAPED)."""
    try:
        key.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


@dataclass(frozen=True)
class Record:
    """One record of a batch, as aiokafka's fetcher reads records."""

    offset: int
    timestamp: int
    timestamp_type: int
    key: bytes | None
    value: bytes | None
    headers: list[tuple[str, bytes | None]]
    checksum: None = None


class ByteSafeBatch:
    """A v2 batch read by aiokafka's own (compiled) reader; read again here, header keys escaped, only when that
    reader refuses a header key. Everything else about the batch is aiokafka's answer."""

    def __init__(self, buffer: memoryview) -> None:
        self._buffer = buffer
        self._batch = DefaultRecordBatch(buffer)  # it reads a memoryview, without a copy
        self._records: Iterator[Any] | None = None

    def __getattr__(self, name: str) -> Any:
        return getattr(self._batch, name)

    def validate_crc(self) -> bool:
        return bool(self._batch.validate_crc())

    def __iter__(self) -> Self:
        return self

    def __next__(self) -> Any:
        if self._records is None:
            self._records = iter(self._read())
        return next(self._records)

    def _read(self) -> list[Any]:
        try:
            return list(self._batch)
        except UnicodeDecodeError:
            return read_escaping_header_keys(self._buffer)


def read_escaping_header_keys(buffer: memoryview) -> list[Record]:
    """The records of one v2 batch, each header key decoded with ESCAPED."""
    (base_offset, _, _, _, _, attributes, _, first_timestamp, max_timestamp, _, _, _, count) = HEADER.unpack_from(
        buffer
    )
    body = bytes(buffer[RECORDS_AT:])
    codec = attributes & CODEC_MASK
    if codec:
        if codec not in DECOMPRESS:
            raise CorruptRecordException(f"unknown compression codec {codec}")
        body = DECOMPRESS[codec](body)
    appended = bool(attributes & LOG_APPEND_TIME)
    records, at = [], 0
    for _ in range(count):
        length, at = varint(body, at)
        end = at + length
        at += 1  # the record's attributes: unused
        delta, at = varint(body, at)
        offset_delta, at = varint(body, at)
        key, at = nullable_bytes(body, at)
        value, at = nullable_bytes(body, at)
        header_count, at = varint(body, at)
        headers: list[tuple[str, bytes | None]] = []
        for _ in range(header_count):
            header_key, at = nullable_bytes(body, at)
            header_value, at = nullable_bytes(body, at)
            headers.append(((header_key or b"").decode("utf-8", ESCAPED), header_value))
        if at != end:
            raise CorruptRecordException("a record's length does not match its fields")
        timestamp = max_timestamp if appended else first_timestamp + delta
        records.append(Record(base_offset + offset_delta, timestamp, int(appended), key, value, headers))
    return records


def varint(buffer: bytes, at: int) -> tuple[int, int]:
    """A zigzag varint at `at`, and where the next field starts."""
    shift, result = 0, 0
    while True:
        if at >= len(buffer) or shift > 63:
            raise CorruptRecordException("a varint runs past its record")
        byte = buffer[at]
        at += 1
        result |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return (result >> 1) ^ -(result & 1), at
        shift += 7


def nullable_bytes(buffer: bytes, at: int) -> tuple[bytes | None, int]:
    length, at = varint(buffer, at)
    if length < 0:
        return None, at
    if at + length > len(buffer):
        raise CorruptRecordException("a field runs past its record")
    return buffer[at : at + length], at + length


class ByteSafeMemoryRecords:
    """A fetched partition's batches, as aiokafka's MemoryRecords gives them, the v2 ones as `ByteSafeBatch`es.
    A batch cut short by the fetch's size limit is left for the next fetch, as aiokafka leaves it."""

    def __init__(self, data: bytes) -> None:
        self._data = memoryview(data)
        self._at = 0

    def size_in_bytes(self) -> int:
        return len(self._data)

    def has_next(self) -> bool:
        return self._next_end() is not None

    def next_batch(self) -> ByteSafeBatch | LegacyRecordBatch | None:
        end = self._next_end()
        if end is None:
            return None
        buffer, self._at = self._data[self._at : end], end
        if len(buffer) <= MAGIC_AT:
            raise CorruptRecordException("a batch shorter than its header")
        magic = buffer[MAGIC_AT]
        return ByteSafeBatch(buffer) if magic >= 2 else LegacyRecordBatch(bytes(buffer), magic)

    def _next_end(self) -> int | None:
        if len(self._data) - self._at < LOG_OVERHEAD:
            return None
        (length,) = struct.unpack_from(">i", self._data, self._at + 8)
        end = self._at + LOG_OVERHEAD + length
        return end if end <= len(self._data) else None


def read_header_keys_as_bytes() -> None:
    """Make every consumer of this process read fetched batches with `ByteSafeMemoryRecords`.

    aiokafka decodes header keys strictly inside `getmany()`, while unpacking a fetch: one key that is not UTF-8
    raises there, before the loop sees the record, and loses the records of its fetch before it. aiokafka offers no
    hook for how a fetch is unpacked, so its fetcher's module is given this reader in place of its own (idempotent;
    every consumer a service makes is made through `shared.messaging.kafka.new_consumer`, which calls this)."""
    aiokafka.consumer.fetcher.MemoryRecords = ByteSafeMemoryRecords
