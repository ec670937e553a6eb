using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using NUnit.Framework;

namespace PoseBridge.Tests
{
    /// <summary>
    /// The shared protocol v1 test vectors (protocol/vectors/v1.json, generated from the Python codec):
    /// every valid one decodes to its value in both encodings, every invalid one is rejected with the
    /// same error code as in Python, and control messages encode byte for byte.
    /// </summary>
    [TestFixture]
    public sealed class ProtocolVectorTests
    {
        const string VectorsPath = "protocol/vectors/v1.json";
        static Dictionary<string, Dictionary<string, object>> _vectors;

        static Dictionary<string, Dictionary<string, object>> Vectors
        {
            get
            {
                if (_vectors != null)
                    return _vectors;
                string path = TestEnv.RepoFile(VectorsPath);
                var doc = (Dictionary<string, object>)JsonReader.Read(File.ReadAllText(path, Encoding.UTF8));
                var result = new Dictionary<string, Dictionary<string, object>>();
                foreach (object v in (List<object>)doc["vectors"])
                {
                    var vector = (Dictionary<string, object>)v;
                    result[(string)vector["name"]] = vector;
                }
                _vectors = result;
                return result;
            }
        }

        /// <summary>Vector names for [TestCaseSource]; one placeholder when the file is not there (the test then ignores/fails).</summary>
        public static IEnumerable<string> Names(Func<Dictionary<string, object>, bool> filter)
        {
            string root = TestEnv.Root;
            string path = root == null ? null : Path.Combine(root, VectorsPath);
            if (path == null || !File.Exists(path))
                return new[] { "(no vectors file)" };
            var doc = (Dictionary<string, object>)JsonReader.Read(File.ReadAllText(path, Encoding.UTF8));
            var names = new List<string>();
            foreach (object v in (List<object>)doc["vectors"])
                if (filter((Dictionary<string, object>)v))
                    names.Add((string)((Dictionary<string, object>)v)["name"]);
            return names;
        }

        public static IEnumerable<string> ValidNames() { return Names(v => (bool)v["valid"]); }
        public static IEnumerable<string> InvalidNames() { return Names(v => !(bool)v["valid"]); }
        public static IEnumerable<string> ClientCanonicalNames()
        {
            return Names(v => (bool)v["canonical"] && (string)v["direction"] == "client");
        }

        static Dictionary<string, object> Vector(string name)
        {
            Dictionary<string, object> v;
            if (!Vectors.TryGetValue(name, out v))
                TestEnv.Unavailable("no vector " + name);
            return v;
        }

        static List<Message> DecodeAll(Dictionary<string, object> vector, List<string> errors)
        {
            var decoded = new List<Message>();
            var hex = vector["msgpack"] as string;
            var json = vector["json"] as string;
            if (hex != null)
            {
                try { decoded.Add(ProtocolCodec.Decode(MessageTree.FromHex(hex))); }
                catch (ProtocolException e) { errors.Add("msgpack:" + e.Code + ": " + e.Message); }
            }
            if (json != null)
            {
                try { decoded.Add(ProtocolCodec.Decode(json)); }
                catch (ProtocolException e) { errors.Add("json:" + e.Code + ": " + e.Message); }
            }
            return decoded;
        }

        [Test]
        public void FileHasVectorsOfEveryKind()
        {
            Assert.That(Vectors.Count, Is.GreaterThanOrEqualTo(60));
            var types = new HashSet<string>();
            foreach (Dictionary<string, object> v in Vectors.Values)
                if ((bool)v["valid"])
                    types.Add((string)((Dictionary<string, object>)v["value"])["type"]);
            foreach (string t in new[] { "hello", "frame", "end", "error", "pong", "state", "control", "telemetry" })
                Assert.That(types.Contains(t), "no valid vector of type " + t);
        }

        [TestCaseSource("ValidNames")]
        public void ValidVectorDecodesToItsValue(string name)
        {
            Dictionary<string, object> vector = Vector(name);
            var errors = new List<string>();
            List<Message> decoded = DecodeAll(vector, errors);
            Assert.That(errors, Is.Empty, name);
            Assert.That(decoded.Count, Is.GreaterThan(0));
            foreach (Message m in decoded)
            {
                string diff = MessageTree.Difference(vector["value"], MessageTree.ToTree(m));
                Assert.IsNull(diff, name + ": " + diff);
            }
        }

        [TestCaseSource("InvalidNames")]
        public void InvalidVectorIsRejectedWithItsCode(string name)
        {
            Dictionary<string, object> vector = Vector(name);
            var errors = new List<string>();
            List<Message> decoded = DecodeAll(vector, errors);
            Assert.That(decoded, Is.Empty, name + " was accepted");
            string code = (string)vector["error"];
            foreach (string e in errors)
                StringAssert.StartsWith(code + ":", e.Substring(e.IndexOf(':') + 1), name);
        }

        [TestCaseSource("ClientCanonicalNames")]
        public void ControlMessageEncodesByteForByte(string name)
        {
            Dictionary<string, object> vector = Vector(name);
            var control = (ControlMessage)ProtocolCodec.Decode((string)vector["json"]);
            Assert.AreEqual((string)vector["msgpack"], MessageTree.ToHex(ProtocolCodec.EncodeMsgPack(control)), name);
            Assert.AreEqual((string)vector["json"], ProtocolCodec.EncodeJson(control), name);
        }

        [Test]
        public void FrameBlockIsLittleEndianFloat32RowMajor()
        {
            var frame = (FrameMessage)ProtocolCodec.Decode(MessageTree.FromHex((string)Vector("frame/detected")["msgpack"]));
            var value = (Dictionary<string, object>)Vector("frame/detected")["value"];
            var rows = (List<object>)value["world"];
            // landmark 16 (right wrist), field 2 (z)
            Assert.AreEqual((double)((List<object>)rows[16])[2], (double)FrameMessage.Get(frame.World, 16, 2));
            Assert.AreEqual(7L, frame.Seq);
            Assert.IsTrue(frame.Detected);
        }

        [Test]
        public void BuiltInTopologyEqualsTheServers()
        {
            // hello/demo carries bridge/skeleton.py's tables; Topology.BlazePose must match them (txt playback uses it).
            var hello = (HelloMessage)ProtocolCodec.Decode(MessageTree.FromHex((string)Vector("hello/demo")["msgpack"]));
            Assert.AreEqual(hello.Landmarks, Topology.BlazePose.Landmarks);
            Assert.AreEqual(hello.Sides, Topology.BlazePose.Sides);
            Assert.AreEqual(hello.Bones.Length, Topology.BlazePose.Bones.Length);
            for (int i = 0; i < hello.Bones.Length; i++)
                Assert.AreEqual(hello.Bones[i], Topology.BlazePose.Bones[i], "bone " + i);
        }
    }
}
