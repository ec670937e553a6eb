using System;
using System.Collections.Generic;

namespace PoseBridge
{
    /// <summary>The two encodings of protocol v1 (WebSocket subprotocols).</summary>
    public enum WireFormat
    {
        /// <summary><c>posebridge.v1.msgpack</c>: binary messages (the default).</summary>
        MsgPack,
        /// <summary><c>posebridge.v1.json</c>: text messages.</summary>
        Json,
    }

    /// <summary>Protocol v1 constants (see protocol/SPEC.md).</summary>
    public static class Protocol
    {
        public const int Version = 1;
        public const string SubprotocolMsgPack = "posebridge.v1.msgpack";
        public const string SubprotocolJson = "posebridge.v1.json";
        public const int Landmarks = 33;
        public const int Fields = 5;
        /// <summary>Floats in one landmark block (33 × x, y, z, visibility, presence).</summary>
        public const int BlockLength = Landmarks * Fields;
        /// <summary>Bytes of one landmark block on the msgpack wire (little-endian float32).</summary>
        public const int BlockBytes = BlockLength * 4;
        /// <summary>Landmarks of one hand (protocol/SPEC.md §4c).</summary>
        public const int HandLandmarks = 21;
        /// <summary>Floats in one hand block (21 × x, y, z, visibility, presence).</summary>
        public const int HandBlockLength = HandLandmarks * Fields;
        /// <summary>Bytes of one hand block on the msgpack wire.</summary>
        public const int HandBlockBytes = HandBlockLength * 4;

        public static string Subprotocol(WireFormat format)
        {
            return format == WireFormat.Json ? SubprotocolJson : SubprotocolMsgPack;
        }
    }

    /// <summary>Base class of every decoded message.</summary>
    public abstract class Message
    {
        /// <summary>The wire <c>type</c> of the message.</summary>
        public abstract string Type { get; }
    }

    /// <summary>The source's metadata in <c>hello</c>. Nullable fields are unknown when null.</summary>
    public sealed class SourceInfo
    {
        public string Kind;
        public string Name;
        public double? Fps;
        public long? Width;
        public long? Height;
        public long? Frames;
        public bool Loop;
        public bool Replay;
        public string[] Coords = { "image", "world" };
    }

    /// <summary>First message from the server: versions, source and the landmark topology.</summary>
    public sealed class HelloMessage : Message
    {
        public override string Type { get { return "hello"; } }
        public long Protocol;
        public string Server;
        public SourceInfo Source;
        public string[] Landmarks;
        public string[] Fields;
        /// <summary>Bone connections as (from, to) landmark index pairs.</summary>
        public int[][] Bones;
        /// <summary>"left", "right" or "center" per landmark; empty when the server did not send it.</summary>
        public string[] Sides = new string[0];
        /// <summary>Names of the joint angles frames carry; empty when none.</summary>
        public string[] Angles = new string[0];
        /// <summary>
        /// Bones (Unity <c>HumanBodyBones</c> names) of <see cref="FrameMessage.Humanoid"/>, in order; empty when the
        /// server sends no humanoid pose (it runs without <c>--avatar</c>).
        /// </summary>
        public string[] HumanoidBones = new string[0];
        /// <summary>How many people the server tracks; above 1, frames carry <see cref="FrameMessage.People"/>.</summary>
        public long MaxPeople = 1;
        /// <summary>
        /// What the humanoid hips position means (protocol/SPEC.md §4d): "in-place" (the default, not sent), "raw"
        /// (approximate root motion since the first frame) or "grounded" (floor space: the hips' height above the
        /// floor at y = 0; frames carry <see cref="FrameMessage.Contacts"/>).
        /// </summary>
        public string RootMotion = "in-place";
        /// <summary>The stream is grounded (<see cref="RootMotion"/> is "grounded").</summary>
        public bool Grounded { get { return RootMotion == "grounded"; } }
        /// <summary>Hand landmark names (21, protocol/SPEC.md §4c); empty when frames carry no hands.</summary>
        public string[] HandLandmarks = new string[0];
        /// <summary>Hand bones as (from, to) index pairs into <see cref="HandLandmarks"/>; empty without hands.</summary>
        public int[][] HandBones = new int[0][];

        /// <summary>Whether frames carry <c>left_hand</c>/<c>right_hand</c> (the server runs with <c>--hands</c>).</summary>
        public bool HasHands { get { return HandLandmarks.Length > 0; } }
    }

    /// <summary>
    /// One hand of a person (protocol/SPEC.md §4c): 21 landmarks in MediaPipe Hands order. <see cref="World"/> is in the
    /// body's world space (meters, the hand's wrist on the body's wrist), so it maps to Unity like the body's world.
    /// </summary>
    public sealed class HandMessage
    {
        /// <summary>105 floats (21 × x, y, z, visibility, presence), normalized image coordinates; or null.</summary>
        public float[] Image;
        /// <summary>105 floats in meters in the body's world space; or null.</summary>
        public float[] World;
        /// <summary>The hand model's confidence in [0, 1].</summary>
        public double Score;
    }

    /// <summary>
    /// One pose frame. <see cref="Image"/> and <see cref="World"/> are 165 floats (33 landmarks × x, y,
    /// z, visibility, presence, row by row) or null when nobody was detected.
    /// </summary>
    public sealed class FrameMessage : Message
    {
        public override string Type { get { return "frame"; } }
        public long Seq;
        /// <summary>Source time in seconds.</summary>
        public double T;
        /// <summary>Server wall clock (ns since the Unix epoch) when the source frame was grabbed.</summary>
        public ulong CapturedNs;
        public float[] Image;
        public float[] World;
        /// <summary>Joint angles in degrees (null entries: not measurable), or null when the server sends none.</summary>
        public Dictionary<string, double?> Angles;
        /// <summary>
        /// The humanoid pose (protocol/SPEC.md §4a): hips x, y, z, then x, y, z, w per bone of
        /// <see cref="HelloMessage.HumanoidBones"/>; null when the frame carries none. See <see cref="HumanoidPose"/>.
        /// </summary>
        public float[] Humanoid;
        /// <summary>
        /// Whether the left and right foot are on the ground (protocol/SPEC.md §4d): two entries, with the
        /// <see cref="Humanoid"/> of a grounded stream; null otherwise.
        /// </summary>
        public bool[] Contacts;
        /// <summary>
        /// Every tracked person, ordered by id (protocol/SPEC.md, <c>people</c>), when the server tracks several
        /// people (<see cref="HelloMessage.MaxPeople"/> above 1); null otherwise. <see cref="Image"/>,
        /// <see cref="World"/>, <see cref="Angles"/> and <see cref="Humanoid"/> are then the primary person's.
        /// </summary>
        public List<PersonMessage> People;
        /// <summary>The primary person's left hand (<c>--hands</c>), or null when not found in this frame (or no hands).</summary>
        public HandMessage LeftHand;
        /// <summary>The primary person's right hand, or null.</summary>
        public HandMessage RightHand;
        /// <summary>Whether the frame had <c>left_hand</c>/<c>right_hand</c> keys (the stream carries hands).</summary>
        public bool HasHands;
        /// <summary>Server wall clock (ns since the Unix epoch) when this message was sent.</summary>
        public ulong SentNs;

        public bool Detected { get { return Image != null || World != null; } }

        /// <summary>Field <paramref name="field"/> (0 x, 1 y, 2 z, 3 visibility, 4 presence) of landmark <paramref name="landmark"/>.</summary>
        public static float Get(float[] block, int landmark, int field)
        {
            return block[landmark * Protocol.Fields + field];
        }
    }

    /// <summary>One tracked person of a frame (<see cref="FrameMessage.People"/>).</summary>
    public sealed class PersonMessage
    {
        /// <summary>Stable while the person stays in view; never reused within a stream.</summary>
        public long Id;
        public float[] Image;
        public float[] World;
        /// <summary>
        /// The person's hip midpoint in the camera space shared by everyone in the frame (meters, MediaPipe axes:
        /// x right, y down, z away from the camera): x, y, z; null when the server could not estimate it.
        /// </summary>
        public double[] Root;
        public Dictionary<string, double?> Angles;
        public float[] Humanoid;
        /// <summary>The person's foot contacts (left, right) in a grounded stream; null otherwise.</summary>
        public bool[] Contacts;
        /// <summary>This person's own left hand (<c>--hands</c>), or null when not found in this frame.</summary>
        public HandMessage LeftHand;
        /// <summary>This person's own right hand, or null.</summary>
        public HandMessage RightHand;
    }

    /// <summary>The stream is over (<c>eof</c> or <c>shutdown</c>).</summary>
    public sealed class EndMessage : Message
    {
        public override string Type { get { return "end"; } }
        public long Frames;
        public string Reason = "eof";
    }

    /// <summary>The server could not act on a client message; the connection stays open.</summary>
    public sealed class ErrorMessage : Message
    {
        public override string Type { get { return "error"; } }
        public string Code;
        public string Text;
    }

    /// <summary>The server's answer to a ping.</summary>
    public sealed class PongMessage : Message
    {
        public override string Type { get { return "pong"; } }
        public ulong ClientNs;
        public ulong ServerNs;
    }

    /// <summary>Replay state; <see cref="Speed"/> null means as fast as possible.</summary>
    public sealed class StateMessage : Message
    {
        public override string Type { get { return "state"; } }
        public bool Paused;
        public double? Speed;
        public long Position;
        public long? Frames;
    }

    /// <summary>The client's control operations.</summary>
    public enum ControlOp
    {
        Ping,
        Pause,
        Resume,
        Seek,
        Speed,
    }

    /// <summary>A client → server <c>control</c> message. Build with the static factories.</summary>
    public sealed class ControlMessage : Message
    {
        public override string Type { get { return "control"; } }
        public ControlOp Op;
        /// <summary>Ping only: the client's clock (ns).</summary>
        public ulong ClientNs;
        /// <summary>Seek only: 0-based frame index.</summary>
        public long Frame;
        /// <summary>Speed only: factor &gt; 0, or null for "max".</summary>
        public double? Speed;

        public static ControlMessage Ping(ulong clientNs) { return new ControlMessage { Op = ControlOp.Ping, ClientNs = clientNs }; }
        public static ControlMessage Pause() { return new ControlMessage { Op = ControlOp.Pause }; }
        public static ControlMessage Resume() { return new ControlMessage { Op = ControlOp.Resume }; }

        public static ControlMessage Seek(long frame)
        {
            if (frame < 0)
                throw new ArgumentOutOfRangeException("frame", "must be >= 0");
            return new ControlMessage { Op = ControlOp.Seek, Frame = frame };
        }

        /// <summary>Replay speed; null means as fast as possible.</summary>
        public static ControlMessage SetSpeed(double? speed)
        {
            if (speed.HasValue && !(speed.Value > 0 && !double.IsInfinity(speed.Value)))
                throw new ArgumentOutOfRangeException("speed", "must be a finite number > 0, or null for max");
            return new ControlMessage { Op = ControlOp.Speed, Speed = speed };
        }

        public string OpName
        {
            get
            {
                switch (Op)
                {
                    case ControlOp.Ping: return "ping";
                    case ControlOp.Pause: return "pause";
                    case ControlOp.Resume: return "resume";
                    case ControlOp.Seek: return "seek";
                    default: return "speed";
                }
            }
        }
    }

    /// <summary>A message of a type this version does not know: readers ignore it.</summary>
    public sealed class UnknownMessage : Message
    {
        readonly string _type;
        public override string Type { get { return _type; } }
        public readonly Dictionary<string, object> Fields;

        public UnknownMessage(string type, Dictionary<string, object> fields)
        {
            _type = type;
            Fields = fields;
        }
    }
}
