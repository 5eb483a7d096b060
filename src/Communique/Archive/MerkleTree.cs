using System.Numerics;
using System.Security.Cryptography;

namespace Communique.Archive;

// The Merkle tree of RFC 6962 / RFC 9162 (Certificate Transparency) over an append-only log. A leaf hashes as
// SHA-256(0x00 || leaf) and an interior node as SHA-256(0x01 || left || right), so that no leaf can pass for a node.
// The caller stores the hash of every complete subtree (a MerkleNode). A function that needs hashes asks its `node`
// callback only for such nodes, and its XxxNodes twin lists exactly those nodes, so that they load in one query.
// Every subtree the RFC's recursion visits is a run of perfect subtrees, largest first, whose hashes folded from the
// right give its hash: a root or a proof costs O(log n) nodes and hashes, however long the log. The Verify functions
// need nothing but the proof, as an outside verifier would, and answer false to any proof they cannot accept.
public static class MerkleTree
{
    private const int HashSize = SHA256.HashSizeInBytes;

    public static byte[] LeafHash(ReadOnlySpan<byte> leaf)
    {
        var hash = new byte[HashSize];
        Sha256(0x00, leaf, [], hash);
        return hash;
    }

    public static byte[] NodeHash(ReadOnlySpan<byte> left, ReadOnlySpan<byte> right)
    {
        var hash = new byte[HashSize];
        Sha256(0x01, left, right, hash);
        return hash;
    }

    // The root of the log with no leaves: SHA-256 of nothing.
    public static byte[] EmptyRoot() => SHA256.HashData(ReadOnlySpan<byte>.Empty);

    public static IReadOnlyList<MerkleNode> RootNodes(long size)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(size);
        var nodes = new List<MerkleNode>();
        AddNodes(nodes, 0, size);
        return nodes;
    }

    // MTH of the first `size` leaves.
    public static byte[] Root(long size, Func<MerkleNode, byte[]> node)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(size);
        ArgumentNullException.ThrowIfNull(node);
        return size == 0 ? EmptyRoot() : SubtreeHash(0, size, node);
    }

    public static IReadOnlyList<MerkleNode> InclusionNodes(long index, long size) =>
        Nodes(InclusionSubtrees(index, size));

    // The audit path of the leaf at `index` in the log of `size` leaves (RFC 9162 §2.1.3.1), from the leaf up.
    public static IReadOnlyList<byte[]> InclusionProof(long index, long size, Func<MerkleNode, byte[]> node) =>
        Hashes(InclusionSubtrees(index, size), node);

    public static IReadOnlyList<MerkleNode> ConsistencyNodes(long from, long to) =>
        Nodes(ConsistencySubtrees(from, to));

    // The proof that the log of `to` leaves extends that of `from` leaves (RFC 9162 §2.1.4.1); empty when from is 0
    // or from == to.
    public static IReadOnlyList<byte[]> ConsistencyProof(long from, long to, Func<MerkleNode, byte[]> node) =>
        Hashes(ConsistencySubtrees(from, to), node);

    // The left siblings that Append combines the new leaf with, lowest first.
    public static IReadOnlyList<MerkleNode> AppendNodes(long size)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(size);
        ArgumentOutOfRangeException.ThrowIfEqual(size, long.MaxValue);
        var nodes = new List<MerkleNode>();
        for (var level = 0; ((size >> level) & 1) == 1; level++)
        {
            nodes.Add(new MerkleNode(level, (size >> level) - 1));
        }

        return nodes;
    }

    // The nodes that appending the leaf with index `size` completes: its level 0 node, then each parent in turn.
    public static IReadOnlyList<(MerkleNode Node, byte[] Hash)> Append(
        long size, byte[] leafHash, Func<MerkleNode, byte[]> node)
    {
        ArgumentNullException.ThrowIfNull(leafHash);
        ArgumentNullException.ThrowIfNull(node);
        ArgumentOutOfRangeException.ThrowIfNotEqual(leafHash.Length, HashSize);
        var created = new List<(MerkleNode, byte[])> { (new MerkleNode(0, size), leafHash) };
        var hash = leafHash;
        foreach (var left in AppendNodes(size))
        {
            hash = NodeHash(node(left), hash);
            created.Add((new MerkleNode(left.Level + 1, left.Index >> 1), hash));
        }

        return created;
    }

    // RFC 9162 §2.1.3.2.
    public static bool VerifyInclusion(
        ReadOnlySpan<byte> leafHash, long index, long size, IReadOnlyList<byte[]> proof, ReadOnlySpan<byte> root)
    {
        ArgumentNullException.ThrowIfNull(proof);
        if (index < 0 || index >= size || leafHash.Length != HashSize || root.Length != HashSize || !AreHashes(proof))
        {
            return false;
        }

        var (fn, sn) = (index, size - 1);
        Span<byte> r = stackalloc byte[HashSize];
        leafHash.CopyTo(r);
        for (var i = 0; i < proof.Count; i++)
        {
            if (sn == 0)
            {
                return false;
            }

            if ((fn & 1) == 1 || fn == sn)
            {
                Sha256(0x01, proof[i], r, r);
                while ((fn & 1) == 0 && fn != 0)
                {
                    (fn, sn) = (fn >> 1, sn >> 1);
                }
            }
            else
            {
                Sha256(0x01, r, proof[i], r);
            }

            (fn, sn) = (fn >> 1, sn >> 1);
        }

        return sn == 0 && r.SequenceEqual(root);
    }

    // RFC 9162 §2.1.4.2 for 0 < from < to. The RFC leaves the other sizes out: any log extends the empty one, whose
    // root is EmptyRoot, and a log is consistent with itself; both take an empty proof.
    public static bool VerifyConsistency(
        long from, long to, ReadOnlySpan<byte> fromRoot, ReadOnlySpan<byte> toRoot, IReadOnlyList<byte[]> proof)
    {
        ArgumentNullException.ThrowIfNull(proof);
        if (from < 0 || from > to || fromRoot.Length != HashSize || toRoot.Length != HashSize || !AreHashes(proof))
        {
            return false;
        }

        if (from == to)
        {
            return proof.Count == 0 && fromRoot.SequenceEqual(toRoot);
        }

        if (from == 0)
        {
            return proof.Count == 0 && fromRoot.SequenceEqual(EmptyRoot());
        }

        if (proof.Count == 0)
        {
            return false;
        }

        // A `from` that is a power of 2 is a complete subtree whose hash is fromRoot: the RFC prepends it to the path.
        var prepended = BitOperations.IsPow2(from);
        var (fn, sn) = (from - 1, to - 1);
        while ((fn & 1) == 1)
        {
            (fn, sn) = (fn >> 1, sn >> 1);
        }

        Span<byte> fr = stackalloc byte[HashSize];
        Span<byte> sr = stackalloc byte[HashSize];
        (prepended ? fromRoot : proof[0]).CopyTo(fr);
        fr.CopyTo(sr);
        for (var i = prepended ? 0 : 1; i < proof.Count; i++)
        {
            if (sn == 0)
            {
                return false;
            }

            if ((fn & 1) == 1 || fn == sn)
            {
                Sha256(0x01, proof[i], fr, fr);
                Sha256(0x01, proof[i], sr, sr);
                while ((fn & 1) == 0 && fn != 0)
                {
                    (fn, sn) = (fn >> 1, sn >> 1);
                }
            }
            else
            {
                Sha256(0x01, sr, proof[i], sr);
            }

            (fn, sn) = (fn >> 1, sn >> 1);
        }

        return sn == 0 && fr.SequenceEqual(fromRoot) && sr.SequenceEqual(toRoot);
    }

    // PATH(index, D[size]) as the subtrees whose hashes make it, from the leaf up. The walk goes down from the root:
    // at each split the subtree away from the leaf is a sibling on the path.
    private static List<(long Start, long Count)> InclusionSubtrees(long index, long size)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, size);
        var subtrees = new List<(long Start, long Count)>();
        var (start, end) = (0L, size);
        while (end - start > 1)
        {
            var k = Split(end - start);
            if (index < start + k)
            {
                subtrees.Add((start + k, end - start - k));
                end = start + k;
            }
            else
            {
                subtrees.Add((start, k));
                start += k;
            }
        }

        subtrees.Reverse();
        return subtrees;
    }

    // SUBPROOF(from, D[to], true) as the subtrees whose hashes make it, in the RFC's order. The walk goes down from the
    // root until the subtree ends where the old log ends; that subtree is in the proof unless it is the old root.
    private static List<(long Start, long Count)> ConsistencySubtrees(long from, long to)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(from);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(from, to);
        var subtrees = new List<(long Start, long Count)>();
        if (from == 0)
        {
            return subtrees;
        }

        var (start, end) = (0L, to);
        var isOldRoot = true;
        while (end != from)
        {
            var k = Split(end - start);
            if (from - start <= k)
            {
                subtrees.Add((start + k, end - start - k));
                end = start + k;
            }
            else
            {
                subtrees.Add((start, k));
                start += k;
                isOldRoot = false;
            }
        }

        if (!isOldRoot)
        {
            subtrees.Add((start, end - start));
        }

        subtrees.Reverse();
        return subtrees;
    }

    // The largest power of 2 below count (count > 1): where the RFC splits a subtree into its left and right.
    private static long Split(long count) => 1L << BitOperations.Log2((ulong)(count - 1));

    private static List<MerkleNode> Nodes(List<(long Start, long Count)> subtrees)
    {
        var nodes = new List<MerkleNode>();
        foreach (var (start, count) in subtrees)
        {
            AddNodes(nodes, start, count);
        }

        return nodes;
    }

    private static List<byte[]> Hashes(List<(long Start, long Count)> subtrees, Func<MerkleNode, byte[]> node)
    {
        ArgumentNullException.ThrowIfNull(node);
        var hashes = new List<byte[]>(subtrees.Count);
        foreach (var (start, count) in subtrees)
        {
            hashes.Add(SubtreeHash(start, count, node));
        }

        return hashes;
    }

    // MTH of the leaves [start, start + count) that the RFC's recursion visits: the perfect subtrees that tile it,
    // folded from the right, as the recursion splits off a perfect left half at each step.
    private static byte[] SubtreeHash(long start, long count, Func<MerkleNode, byte[]> node)
    {
        var nodes = new List<MerkleNode>();
        AddNodes(nodes, start, count);
        var hash = node(nodes[^1]);
        for (var i = nodes.Count - 2; i >= 0; i--)
        {
            hash = NodeHash(node(nodes[i]), hash);
        }

        return hash;
    }

    // The perfect subtrees that tile the leaves [start, start + count), largest first. The recursion's subtrees start
    // at a multiple of the largest, so each is a MerkleNode.
    private static void AddNodes(List<MerkleNode> nodes, long start, long count)
    {
        while (count > 0)
        {
            var level = BitOperations.Log2((ulong)count);
            nodes.Add(new MerkleNode(level, start >> level));
            start += 1L << level;
            count -= 1L << level;
        }
    }

    private static bool AreHashes(IReadOnlyList<byte[]> proof)
    {
        for (var i = 0; i < proof.Count; i++)
        {
            if (proof[i] is not { Length: HashSize })
            {
                return false;
            }
        }

        return true;
    }

    // SHA-256(prefix || a || b) into `into`, which may overlap a or b. Two hashes, the usual input, fit on the stack.
    private static void Sha256(byte prefix, ReadOnlySpan<byte> a, ReadOnlySpan<byte> b, Span<byte> into)
    {
        var length = 1 + a.Length + b.Length;
        Span<byte> input = length <= 1 + 2 * HashSize ? stackalloc byte[1 + 2 * HashSize] : new byte[length];
        input[0] = prefix;
        a.CopyTo(input[1..]);
        b.CopyTo(input[(1 + a.Length)..]);
        SHA256.HashData(input[..length], into);
    }
}
