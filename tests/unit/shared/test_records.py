"""The byte-safe record reader reads what aiokafka's reads, and also a batch whose header key is not UTF-8."""

import pytest
from aiokafka.record.default_records import DefaultRecordBatch, DefaultRecordBatchBuilder

from shared.messaging.records import ESCAPED, ByteSafeMemoryRecords, key_is_utf8, read_escaping_header_keys
from tests.support.kafka import RawRecord, record_batch


def built(codec: int) -> bytes:
    builder = DefaultRecordBatchBuilder(
        magic=2, compression_type=codec, is_transactional=0, producer_id=-1, producer_epoch=-1, base_sequence=-1,
        batch_size=1 << 20,
    )  # fmt: skip
    for offset in range(50):
        headers = [("content-type", b"application/json"), ("none", None)]
        builder.append(offset, 1_700_000_000_000 + offset, f"k-{offset}".encode(), b"v" * offset, headers)
    return bytes(builder.build())


@pytest.mark.parametrize("codec", [0, 1], ids=["none", "gzip"])  # the codecs this environment installs
def test_every_codecs_batch_reads_as_aiokafka_reads_it(codec: int) -> None:
    data = built(codec)
    theirs = [(r.offset, r.timestamp, r.key, r.value, r.headers) for r in DefaultRecordBatch(data)]
    ours = [(r.offset, r.timestamp, r.key, r.value, r.headers) for r in read_escaping_header_keys(memoryview(data))]
    assert ours == theirs


def test_a_header_key_that_is_not_utf8_is_kept_escaped_and_the_batch_reads_on() -> None:
    raw = record_batch(
        [RawRecord(b"first"), RawRecord(b"odd", headers=[(b"\xff\xfe", b"x")]), RawRecord(b"last", key=b"\x80")]
    )
    with pytest.raises(UnicodeDecodeError):
        list(DefaultRecordBatch(raw))  # aiokafka's own reader refuses the whole batch
    records = ByteSafeMemoryRecords(raw + raw[:20])  # and a batch cut short by the fetch, left for the next
    batch = records.next_batch()
    assert batch is not None
    assert not records.has_next()
    read = list(batch)
    assert [record.value for record in read] == [b"first", b"odd", b"last"]
    [(key, value)] = read[1].headers
    assert value == b"x"
    assert not key_is_utf8(key)
    assert key.encode("utf-8", ESCAPED) == b"\xff\xfe"
    assert read[2].key == b"\x80"
