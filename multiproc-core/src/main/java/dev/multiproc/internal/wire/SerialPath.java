package dev.multiproc.internal.wire;

import java.io.Serializable;
import java.lang.invoke.SerializedLambda;
import java.lang.reflect.Array;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.RecordComponent;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Explains a failed serialization: walks the object graph from the root, breadth first, to the
 * object that is not serializable and names the way there, as in
 * {@code task → captured arg 0 (com.x.Holder) → field conn: java.net.Socket is not Serializable}.
 *
 * <p>The walk follows what serialization would follow: the non-static, non-transient fields
 * of serializable classes, array elements, the elements and entries of collections and maps
 * (whose own fields are transient), and for a serializable lambda the arguments it captured
 * (read from the {@link SerializedLambda} its {@code writeReplace} makes). It is a heuristic
 * for an error message, run only after serialization failed: a class with its own
 * {@code writeObject} may write something else than its fields, and a field this code may not
 * read (a JDK class's) is skipped.
 */
final class SerialPath {
    private static final int MAX_NODES = 200_000;

    private record Node(Object value, Node parent, String label) {}

    private SerialPath() {}

    /**
     * The path from {@code root} (called {@code rootName}) to the first object of class
     * {@code className} (or, if none is found, of any class) that is not serializable, or null
     * if there is none to be found.
     */
    static String explain(Object root, String rootName, String className) {
        Node found = find(root, rootName, className);
        if (found == null && className != null) {
            found = find(root, rootName, null);
        }
        return found == null ? null : describe(found);
    }

    private static Node find(Object root, String rootName, String className) {
        IdentityHashMap<Object, Boolean> seen = new IdentityHashMap<>();
        ArrayDeque<Node> queue = new ArrayDeque<>();
        queue.add(new Node(root, null, rootName));
        seen.put(root, true);
        while (!queue.isEmpty() && seen.size() < MAX_NODES) {
            Node node = queue.poll();
            Object value = node.value;
            if (!(value instanceof Serializable)
                    && (className == null || value.getClass().getName().equals(className))) {
                return node;
            }
            if (!(value instanceof Serializable)) {
                continue;
            }
            for (Node child : children(node)) {
                if (child.value != null && seen.put(child.value, true) == null) {
                    queue.add(child);
                }
            }
        }
        return null;
    }

    private static List<Node> children(Node node) {
        Object value = node.value;
        Class<?> type = value.getClass();
        List<Node> out = new ArrayList<>();
        if (type.isArray()) {
            if (!type.getComponentType().isPrimitive()) {
                int n = Array.getLength(value);
                for (int i = 0; i < n; i++) {
                    out.add(new Node(Array.get(value, i), node, "[" + i + "]"));
                }
            }
            return out;
        }
        if (value instanceof Map<?, ?> map) {
            for (Map.Entry<?, ?> e : map.entrySet()) {
                out.add(new Node(e.getKey(), node, "key " + brief(e.getKey())));
                out.add(new Node(e.getValue(), node, "value of key " + brief(e.getKey())));
            }
            return out;
        }
        if (value instanceof Collection<?> collection) {
            int i = 0;
            for (Object element : collection) {
                out.add(new Node(element, node, "element " + i++));
            }
            return out;
        }
        SerializedLambda lambda = serializedLambda(value);
        if (lambda != null) {
            for (int i = 0; i < lambda.getCapturedArgCount(); i++) {
                out.add(new Node(lambda.getCapturedArg(i), node, "captured arg " + i));
            }
            return out;
        }
        if (type.isRecord()) {
            for (RecordComponent c : type.getRecordComponents()) {
                try {
                    Method accessor = c.getAccessor();
                    if (accessor.trySetAccessible()) {
                        out.add(new Node(accessor.invoke(value), node, "field " + c.getName()));
                    }
                } catch (ReflectiveOperationException | RuntimeException e) {
                    // unreadable: skip it
                }
            }
            return out;
        }
        for (Class<?> c = type; c != null && Serializable.class.isAssignableFrom(c); c = c.getSuperclass()) {
            for (Field f : c.getDeclaredFields()) {
                int m = f.getModifiers();
                if (Modifier.isStatic(m) || Modifier.isTransient(m) || f.getType().isPrimitive()) {
                    continue;
                }
                try {
                    if (f.trySetAccessible()) {
                        out.add(new Node(f.get(value), node, "field " + f.getName()));
                    }
                } catch (IllegalAccessException | RuntimeException e) {
                    // unreadable: skip it
                }
            }
        }
        return out;
    }

    /** The {@link SerializedLambda} of a serializable lambda, or null for anything else. */
    private static SerializedLambda serializedLambda(Object value) {
        Class<?> type = value.getClass();
        if (!type.isSynthetic() && !type.isHidden()) {
            return null;
        }
        try {
            Method writeReplace = type.getDeclaredMethod("writeReplace");
            if (writeReplace.trySetAccessible()
                    && writeReplace.invoke(value) instanceof SerializedLambda lambda) {
                return lambda;
            }
        } catch (ReflectiveOperationException | RuntimeException e) {
            // not a lambda, or one we may not look into
        }
        return null;
    }

    private static String describe(Node found) {
        List<Node> path = new ArrayList<>();
        for (Node n = found; n != null; n = n.parent) {
            path.addFirst(n);
        }
        StringBuilder sb = new StringBuilder();
        for (Node n : path) {
            if (n != path.getFirst()) {
                sb.append(" → ");
            }
            sb.append(n.label);
            if (n == found) {
                sb.append(": ").append(n.value.getClass().getName()).append(" is not Serializable");
            } else if (!n.value.getClass().isHidden()) {
                sb.append(" (").append(n.value.getClass().getName()).append(')');
            }
        }
        return sb.toString();
    }

    private static String brief(Object key) {
        String s = String.valueOf(key);
        return s.length() > 40 ? s.substring(0, 37) + "..." : s;
    }
}
