using System;

namespace PoseBridge
{
    /// <summary>
    /// A wire message that is not valid protocol v1. <see cref="Code"/> is the error code of the
    /// spec (<c>bad_message</c>, <c>bad_value</c>, <c>unknown_op</c>), the same the Python server uses.
    /// </summary>
    public sealed class ProtocolException : Exception
    {
        public const string BadMessage = "bad_message";
        public const string BadValue = "bad_value";
        public const string UnknownOp = "unknown_op";

        public string Code { get; private set; }

        public ProtocolException(string message, string code = BadMessage) : base(message)
        {
            Code = code;
        }
    }
}
