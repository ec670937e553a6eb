// What the composable components (PoseConnection, SkeletonView, FollowCamera, PoseStatus, TxtPoseSource,
// Show_Skeleton) use beyond UnityEngine.Core.cs / UnityEngine.Runtime.cs. Signatures as in Unity's reference source
// (Runtime/Export/Scripting/HideFlags.cs and UnityEngineObject.bindings.cs, Runtime/Export/Scripting/
// DefaultExecutionOrder.cs).
using System;

namespace UnityEngine
{
    [Flags]
    public enum HideFlags
    {
        None = 0,
        HideInHierarchy = 1,
        HideInInspector = 2,
        DontSaveInEditor = 4,
        NotEditable = 8,
        DontSaveInBuild = 16,
        DontUnloadUnusedAsset = 32,
        DontSave = 52,
        HideAndDontSave = 61,
    }

    public partial class Object
    {
        public HideFlags hideFlags { get; set; }
    }

    [AttributeUsage(AttributeTargets.Class)]
    public partial class DefaultExecutionOrder : Attribute
    {
        public DefaultExecutionOrder(int order) { this.order = order; }
        public int order { get; private set; }
    }
}
