using UnityEditor;
using UnityEngine;

namespace PoseBridge.Editor
{
    /// <summary>
    /// GameObject → Pose Bridge menu: <see cref="Show_Skeleton"/> on the Main Camera in one click, or the same
    /// skeleton built from the package's components, wired together, to change and extend.
    /// </summary>
    static class SkeletonMenu
    {
        [MenuItem("GameObject/Pose Bridge/Skeleton Camera", false, 10)]
        static void CreateSkeletonCamera()
        {
            GameObject target = MainCamera("Create Skeleton Camera");
            if (target.GetComponent<Show_Skeleton>() == null)
                Undo.AddComponent<Show_Skeleton>(target);
            Selection.activeGameObject = target;
        }

        /// <summary>
        /// "Pose Connection" (a <see cref="PoseConnection"/>), "Skeleton" (a <see cref="SkeletonView"/> on that
        /// connection, with a <see cref="HandsView"/>) and, on the Main Camera, a <see cref="FollowCamera"/> and a <see cref="PoseStatus"/>: what
        /// Show_Skeleton composes at run time, as scene objects.
        /// </summary>
        [MenuItem("GameObject/Pose Bridge/Skeleton From Components", false, 11)]
        static void CreateSkeletonFromComponents()
        {
            const string undo = "Create Skeleton From Components";
            var connectionObject = new GameObject("Pose Connection");
            Undo.RegisterCreatedObjectUndo(connectionObject, undo);
            PoseConnection connection = connectionObject.AddComponent<PoseConnection>();

            var skeletonObject = new GameObject("Skeleton");
            Undo.RegisterCreatedObjectUndo(skeletonObject, undo);
            SkeletonView view = skeletonObject.AddComponent<SkeletonView>();
            view.Connection = connection; // in Edit mode this only sets the field
            HandsView hands = skeletonObject.AddComponent<HandsView>(); // draws only while the stream has hands
            hands.Connection = connection;
            hands.View = view;

            GameObject camera = MainCamera(undo);
            FollowCamera follow = Undo.AddComponent<FollowCamera>(camera);
            follow.Target = view;
            PoseStatus status = Undo.AddComponent<PoseStatus>(camera);
            status.Connection = connection;
            status.View = view;
            Selection.activeGameObject = skeletonObject;
        }

        /// <summary>The Main Camera's GameObject; a new one (with undo) when the scene has none.</summary>
        static GameObject MainCamera(string undo)
        {
            Camera camera = Camera.main;
            if (camera != null)
                return camera.gameObject;
            var target = new GameObject("Main Camera");
            target.tag = "MainCamera";
            target.AddComponent<Camera>();
            target.transform.position = new Vector3(0f, 1.2f, -3f);
            Undo.RegisterCreatedObjectUndo(target, undo);
            return target;
        }
    }
}
