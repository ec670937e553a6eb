using System.Collections.Generic;
using NUnit.Framework;

namespace PoseBridge.Tests
{
    /// <summary>The readers and writers beyond the shared vectors: number formatting, widths, edge cases.</summary>
    [TestFixture]
    public sealed class CodecTests
    {
        [TestCase(2.0, "2.0")]
        [TestCase(0.5, "0.5")]
        [TestCase(1.5, "1.5")]
        [TestCase(0.1, "0.1")]
        [TestCase(100.0, "100.0")]
        [TestCase(0.0001, "0.0001")]
        [TestCase(0.00001, "1e-05")]
        [TestCase(1e16, "1e+16")]
        [TestCase(123456789012345.0, "123456789012345.0")]
        [TestCase(-2.5, "-2.5")]
        [TestCase(1.0 / 3.0, "0.3333333333333333")]
        public void NumbersAreWrittenLikePythonRepr(double value, string expected)
        {
            Assert.AreEqual(expected, JsonWriter.Number(value));
        }

        [TestCase(0L, "00")]
        [TestCase(127L, "7f")]
        [TestCase(128L, "cc80")]
        [TestCase(65535L, "cdffff")]
        [TestCase(65536L, "ce00010000")]
        [TestCase(4294967296L, "cf0000000100000000")]
        [TestCase(-1L, "ff")]
        [TestCase(-33L, "d0df")]
        [TestCase(-32769L, "d2ffff7fff")]
        public void IntegersUseTheSmallestWidth(long value, string hex)
        {
            Assert.AreEqual(hex, MessageTree.ToHex(new MsgPackWriter().WriteInt(value).ToArray()));
            Assert.AreEqual(value, (long)MsgPackReader.Read(MessageTree.FromHex(hex)));
        }

        [Test]
        public void Uint64AboveLongMaxStaysExact()
        {
            object v = MsgPackReader.Read(MessageTree.FromHex("cfffffffffffffffff"));
            Assert.AreEqual(ulong.MaxValue, v);
            Assert.AreEqual(18446744073709551615UL, JsonReader.Read("18446744073709551615"));
        }

        [TestCase("{\"a\":[1,2,{\"b\":null}],\"c\":true}")]
        [TestCase("  [ ]  ")]
        [TestCase("\"\\u00e9\\ud83d\\ude00\"")]
        [TestCase("-0.0")]
        [TestCase("1E400")]
        public void JsonReaderAcceptsValidJson(string text)
        {
            Assert.DoesNotThrow(() => JsonReader.Read(text));
        }

        [TestCase("")]
        [TestCase("[1,]")]
        [TestCase("{\"a\":1,}")]
        [TestCase("01")]
        [TestCase("1.")]
        [TestCase(".5")]
        [TestCase("+1")]
        [TestCase("\"tab\there\"")]
        [TestCase("\"\\x\"")]
        [TestCase("Infinity")]
        [TestCase("[1] [2]")]
        public void JsonReaderRejectsInvalidJson(string text)
        {
            var e = Assert.Throws<ProtocolException>(() => JsonReader.Read(text));
            Assert.AreEqual(ProtocolException.BadMessage, e.Code);
        }

        [Test]
        public void DeepNestingIsRefusedNotAStackOverflow()
        {
            string deep = new string('[', 10000) + new string(']', 10000);
            Assert.Throws<ProtocolException>(() => JsonReader.Read(deep));
            var bytes = new byte[10000];
            for (int i = 0; i < bytes.Length; i++)
                bytes[i] = 0x91; // fixarray of 1, nested
            Assert.Throws<ProtocolException>(() => MsgPackReader.Read(bytes));
        }

        [Test]
        public void HugeLengthPrefixIsTruncationNotAnAllocation()
        {
            var e = Assert.Throws<ProtocolException>(() => MsgPackReader.Read(MessageTree.FromHex("c6ffffffff00")));
            StringAssert.Contains("truncated", e.Message);
            Assert.Throws<ProtocolException>(() => MsgPackReader.Read(MessageTree.FromHex("dfffffffff")));
        }

        [Test]
        public void ControlFactoriesRejectWhatTheServerWouldReject()
        {
            Assert.Throws<System.ArgumentOutOfRangeException>(() => ControlMessage.Seek(-1));
            Assert.Throws<System.ArgumentOutOfRangeException>(() => ControlMessage.SetSpeed(0));
            Assert.Throws<System.ArgumentOutOfRangeException>(() => ControlMessage.SetSpeed(double.NaN));
            Assert.Throws<System.ArgumentOutOfRangeException>(() => ControlMessage.SetSpeed(double.PositiveInfinity));
        }

        [Test]
        public void EveryControlRoundTripsThroughBothEncodings()
        {
            var controls = new List<ControlMessage>
            {
                ControlMessage.Ping(ulong.MaxValue), ControlMessage.Pause(), ControlMessage.Resume(),
                ControlMessage.Seek(123456789012), ControlMessage.SetSpeed(0.25), ControlMessage.SetSpeed(null),
            };
            foreach (ControlMessage c in controls)
            {
                var fromBin = (ControlMessage)ProtocolCodec.Decode(ProtocolCodec.EncodeMsgPack(c));
                var fromText = (ControlMessage)ProtocolCodec.Decode(ProtocolCodec.EncodeJson(c));
                foreach (ControlMessage d in new[] { fromBin, fromText })
                {
                    Assert.IsNull(MessageTree.Difference(MessageTree.ToTree(c), MessageTree.ToTree(d)), c.OpName);
                }
            }
        }

        [Test]
        public void LatestSlotNewestWinsAndCountsOverwrites()
        {
            var slot = new LatestSlot<string>();
            bool fresh;
            Assert.IsNull(slot.Take(out fresh));
            Assert.IsFalse(fresh);
            slot.Publish("a");
            slot.Publish("b");
            slot.Publish("c");
            Assert.AreEqual("c", slot.Take(out fresh));
            Assert.IsTrue(fresh);
            Assert.AreEqual("c", slot.Take(out fresh));
            Assert.IsFalse(fresh, "the same value again is stale");
            string value;
            Assert.IsFalse(slot.TryTakeFresh(out value));
            Assert.AreEqual(2, slot.Overwritten);
            Assert.AreEqual(3, slot.Published);
        }

        [Test]
        public void LatestSlotUnderConcurrentPublishersNeverLosesTheLastValue()
        {
            var slot = new LatestSlot<object>();
            var last = new object();
            var writer = new System.Threading.Thread(() =>
            {
                for (int i = 0; i < 200000; i++)
                    slot.Publish(new object());
                slot.Publish(last);
            });
            writer.Start();
            long taken = 0;
            bool fresh;
            while (writer.IsAlive)
                if (slot.Take(out fresh) != null && fresh)
                    taken++;
            writer.Join();
            Assert.AreSame(last, slot.Take(out fresh));
            Assert.AreEqual(200001, slot.Published);
            Assert.LessOrEqual(taken + 1, slot.Published);
        }
    }
}
