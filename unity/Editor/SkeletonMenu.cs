using UnityEditor;
using UnityEngine;

namespace PoseBridge.Editor
{
    /// <summary>GameObject → Pose Bridge menu: add <see cref="Show_Skeleton"/> to the Main Camera in one click.</summary>
    static class SkeletonMenu
    {
        [MenuItem("GameObject/Pose Bridge/Skeleton Camera", false, 10)]
        static void CreateSkeletonCamera()
        {
            Camera camera = Camera.main;
            GameObject target;
            if (camera != null)
                target = camera.gameObject;
            else
            {
                target = new GameObject("Main Camera");
                target.tag = "MainCamera";
                target.AddComponent<Camera>();
                target.transform.position = new Vector3(0f, 1.2f, -3f);
                Undo.RegisterCreatedObjectUndo(target, "Create Skeleton Camera");
            }
            if (target.GetComponent<Show_Skeleton>() == null)
                Undo.AddComponent<Show_Skeleton>(target);
            Selection.activeGameObject = target;
        }
    }
}
