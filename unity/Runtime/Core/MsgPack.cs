using System;
using System.Collections.Generic;
using System.IO;
using System.Text;

namespace PoseBridge
{
    /// <summary>An msgpack extension value (type and payload); protocol v1 does not use them, readers keep them opaque.</summary>
    public sealed class MsgPackExt
    {
        public readonly sbyte TypeCode;
        public readonly byte[] Data;

        public MsgPackExt(sbyte typeCode, byte[] data)
        {
            TypeCode = typeCode;
            Data = data;
        }
    }

    /// <summary>
    /// Reads one msgpack value into plain objects: <c>Dictionary&lt;string, object&gt;</c> (maps),
    /// <c>List&lt;object&gt;</c> (arrays), <c>byte[]</c> (bin), <c>string</c>, <c>bool</c>, <c>double</c>
    /// (float32 and float64), <c>long</c> (every integer that fits), <c>ulong</c> (above long.MaxValue),
    /// <see cref="MsgPackExt"/>, and <c>null</c>.
    /// </summary>
    /// <remarks>
    /// Edge cases: every map key must be a string (protocol v1 uses string keys only); a repeated key
    /// keeps the last value; strings must be valid UTF-8; the whole buffer must be one value (trailing
    /// bytes are an error); nesting deeper than <see cref="MaxDepth"/> is refused. Every violation
    /// throws <see cref="ProtocolException"/> with code <c>bad_message</c>.
    /// </remarks>
    public static class MsgPackReader
    {
        public const int MaxDepth = 64;

        static readonly UTF8Encoding StrictUtf8 = new UTF8Encoding(false, true);

        /// <summary>Decode <paramref name="count"/> bytes of <paramref name="data"/> from <paramref name="offset"/> as one value.</summary>
        public static object Read(byte[] data, int offset, int count)
        {
            if (data == null)
                throw new ArgumentNullException("data");
            if (offset < 0 || count < 0 || offset + count > data.Length)
                throw new ArgumentOutOfRangeException("count");
            int pos = offset;
            int end = offset + count;
            if (count == 0)
                throw new ProtocolException("not valid msgpack: empty message");
            object value = ReadValue(data, ref pos, end, 0);
            if (pos != end)
                throw new ProtocolException("not valid msgpack: trailing bytes after the message (" + (end - pos) + ")");
            return value;
        }

        public static object Read(byte[] data)
        {
            if (data == null)
                throw new ArgumentNullException("data");
            return Read(data, 0, data.Length);
        }

        static void Need(int pos, int end, long n)
        {
            if (n < 0 || end - pos < n)
                throw new ProtocolException("not valid msgpack: truncated message");
        }

        static ulong BigEndian(byte[] d, ref int pos, int end, int n)
        {
            Need(pos, end, n);
            ulong v = 0;
            for (int i = 0; i < n; i++)
                v = (v << 8) | d[pos + i];
            pos += n;
            return v;
        }

        static object Unsigned(ulong v)
        {
            if (v <= long.MaxValue)
                return (long)v;
            return v;
        }

        static object ReadValue(byte[] d, ref int pos, int end, int depth)
        {
            if (depth > MaxDepth)
                throw new ProtocolException("not valid msgpack: nested deeper than " + MaxDepth);
            Need(pos, end, 1);
            byte b = d[pos++];
            if (b <= 0x7f)
                return (long)b;
            if (b >= 0xe0)
                return (long)(sbyte)b;
            if (b >= 0x80 && b <= 0x8f)
                return ReadMap(d, ref pos, end, b & 0x0f, depth);
            if (b >= 0x90 && b <= 0x9f)
                return ReadArray(d, ref pos, end, b & 0x0f, depth);
            if (b >= 0xa0 && b <= 0xbf)
                return ReadString(d, ref pos, end, b & 0x1f);
            switch (b)
            {
                case 0xc0: return null;
                case 0xc2: return false;
                case 0xc3: return true;
                case 0xc4: return ReadBytes(d, ref pos, end, (long)BigEndian(d, ref pos, end, 1));
                case 0xc5: return ReadBytes(d, ref pos, end, (long)BigEndian(d, ref pos, end, 2));
                case 0xc6: return ReadBytes(d, ref pos, end, (long)BigEndian(d, ref pos, end, 4));
                case 0xc7: return ReadExt(d, ref pos, end, (long)BigEndian(d, ref pos, end, 1));
                case 0xc8: return ReadExt(d, ref pos, end, (long)BigEndian(d, ref pos, end, 2));
                case 0xc9: return ReadExt(d, ref pos, end, (long)BigEndian(d, ref pos, end, 4));
                case 0xca:
                {
                    uint bits = (uint)BigEndian(d, ref pos, end, 4);
                    return (double)BitConverter.ToSingle(BitConverter.GetBytes(bits), 0);
                }
                case 0xcb:
                    return BitConverter.Int64BitsToDouble((long)BigEndian(d, ref pos, end, 8));
                case 0xcc: return Unsigned(BigEndian(d, ref pos, end, 1));
                case 0xcd: return Unsigned(BigEndian(d, ref pos, end, 2));
                case 0xce: return Unsigned(BigEndian(d, ref pos, end, 4));
                case 0xcf: return Unsigned(BigEndian(d, ref pos, end, 8));
                case 0xd0: return (long)(sbyte)BigEndian(d, ref pos, end, 1);
                case 0xd1: return (long)(short)BigEndian(d, ref pos, end, 2);
                case 0xd2: return (long)(int)BigEndian(d, ref pos, end, 4);
                case 0xd3: return (long)BigEndian(d, ref pos, end, 8);
                case 0xd4: return ReadExt(d, ref pos, end, 1);
                case 0xd5: return ReadExt(d, ref pos, end, 2);
                case 0xd6: return ReadExt(d, ref pos, end, 4);
                case 0xd7: return ReadExt(d, ref pos, end, 8);
                case 0xd8: return ReadExt(d, ref pos, end, 16);
                case 0xd9: return ReadString(d, ref pos, end, (long)BigEndian(d, ref pos, end, 1));
                case 0xda: return ReadString(d, ref pos, end, (long)BigEndian(d, ref pos, end, 2));
                case 0xdb: return ReadString(d, ref pos, end, (long)BigEndian(d, ref pos, end, 4));
                case 0xdc: return ReadArray(d, ref pos, end, (long)BigEndian(d, ref pos, end, 2), depth);
                case 0xdd: return ReadArray(d, ref pos, end, (long)BigEndian(d, ref pos, end, 4), depth);
                case 0xde: return ReadMap(d, ref pos, end, (long)BigEndian(d, ref pos, end, 2), depth);
                case 0xdf: return ReadMap(d, ref pos, end, (long)BigEndian(d, ref pos, end, 4), depth);
                default:
                    throw new ProtocolException("not valid msgpack: reserved byte 0x" + b.ToString("x2"));
            }
        }

        static byte[] ReadBytes(byte[] d, ref int pos, int end, long n)
        {
            Need(pos, end, n);
            var result = new byte[n];
            Buffer.BlockCopy(d, pos, result, 0, (int)n);
            pos += (int)n;
            return result;
        }

        static MsgPackExt ReadExt(byte[] d, ref int pos, int end, long n)
        {
            Need(pos, end, 1);
            sbyte type = (sbyte)d[pos++];
            return new MsgPackExt(type, ReadBytes(d, ref pos, end, n));
        }

        static string ReadString(byte[] d, ref int pos, int end, long n)
        {
            Need(pos, end, n);
            string s;
            try
            {
                s = StrictUtf8.GetString(d, pos, (int)n);
            }
            catch (DecoderFallbackException)
            {
                throw new ProtocolException("not valid msgpack: a string is not valid UTF-8");
            }
            pos += (int)n;
            return s;
        }

        static List<object> ReadArray(byte[] d, ref int pos, int end, long n, int depth)
        {
            Need(pos, end, n); // every element takes at least one byte
            var list = new List<object>((int)n);
            for (long i = 0; i < n; i++)
                list.Add(ReadValue(d, ref pos, end, depth + 1));
            return list;
        }

        static Dictionary<string, object> ReadMap(byte[] d, ref int pos, int end, long n, int depth)
        {
            Need(pos, end, 2 * n);
            var map = new Dictionary<string, object>((int)n, StringComparer.Ordinal);
            for (long i = 0; i < n; i++)
            {
                object key = ReadValue(d, ref pos, end, depth + 1);
                var name = key as string;
                if (name == null)
                    throw new ProtocolException("message keys must be strings");
                map[name] = ReadValue(d, ref pos, end, depth + 1);
            }
            return map;
        }
    }

    /// <summary>
    /// Writes msgpack in the protocol v1 profile: string keys, integers in their smallest form unless
    /// written with <see cref="WriteUInt64"/> (the <c>*_ns</c> clocks), floats as float64.
    /// </summary>
    public sealed class MsgPackWriter
    {
        readonly MemoryStream _out = new MemoryStream(64);

        public byte[] ToArray()
        {
            return _out.ToArray();
        }

        public MsgPackWriter WriteMapHeader(int count)
        {
            if (count < 0)
                throw new ArgumentOutOfRangeException("count");
            if (count < 16)
                _out.WriteByte((byte)(0x80 | count));
            else if (count <= 0xffff)
            {
                _out.WriteByte(0xde);
                WriteBig((ulong)count, 2);
            }
            else
            {
                _out.WriteByte(0xdf);
                WriteBig((ulong)count, 4);
            }
            return this;
        }

        public MsgPackWriter WriteString(string value)
        {
            if (value == null)
                return WriteNil();
            byte[] bytes = Encoding.UTF8.GetBytes(value);
            int n = bytes.Length;
            if (n < 32)
                _out.WriteByte((byte)(0xa0 | n));
            else if (n <= 0xff)
            {
                _out.WriteByte(0xd9);
                WriteBig((ulong)n, 1);
            }
            else if (n <= 0xffff)
            {
                _out.WriteByte(0xda);
                WriteBig((ulong)n, 2);
            }
            else
            {
                _out.WriteByte(0xdb);
                WriteBig((ulong)n, 4);
            }
            _out.Write(bytes, 0, n);
            return this;
        }

        public MsgPackWriter WriteNil()
        {
            _out.WriteByte(0xc0);
            return this;
        }

        public MsgPackWriter WriteBool(bool value)
        {
            _out.WriteByte(value ? (byte)0xc3 : (byte)0xc2);
            return this;
        }

        /// <summary>An integer in its smallest msgpack form (as msgpack-python writes it).</summary>
        public MsgPackWriter WriteInt(long value)
        {
            if (value >= 0)
            {
                if (value < 128)
                    _out.WriteByte((byte)value);
                else if (value <= 0xff)
                {
                    _out.WriteByte(0xcc);
                    WriteBig((ulong)value, 1);
                }
                else if (value <= 0xffff)
                {
                    _out.WriteByte(0xcd);
                    WriteBig((ulong)value, 2);
                }
                else if (value <= 0xffffffffL)
                {
                    _out.WriteByte(0xce);
                    WriteBig((ulong)value, 4);
                }
                else
                    WriteUInt64((ulong)value);
            }
            else if (value >= -32)
                _out.WriteByte((byte)(sbyte)value);
            else if (value >= sbyte.MinValue)
            {
                _out.WriteByte(0xd0);
                WriteBig((ulong)value, 1);
            }
            else if (value >= short.MinValue)
            {
                _out.WriteByte(0xd1);
                WriteBig((ulong)value, 2);
            }
            else if (value >= int.MinValue)
            {
                _out.WriteByte(0xd2);
                WriteBig((ulong)value, 4);
            }
            else
            {
                _out.WriteByte(0xd3);
                WriteBig((ulong)value, 8);
            }
            return this;
        }

        /// <summary>Always the 9-byte uint64 form (0xcf): how protocol v1 writes every <c>*_ns</c> clock.</summary>
        public MsgPackWriter WriteUInt64(ulong value)
        {
            _out.WriteByte(0xcf);
            WriteBig(value, 8);
            return this;
        }

        /// <summary>A float64 (0xcb).</summary>
        public MsgPackWriter WriteDouble(double value)
        {
            _out.WriteByte(0xcb);
            WriteBig((ulong)BitConverter.DoubleToInt64Bits(value), 8);
            return this;
        }

        void WriteBig(ulong value, int bytes)
        {
            for (int i = bytes - 1; i >= 0; i--)
                _out.WriteByte((byte)(value >> (8 * i)));
        }
    }
}
