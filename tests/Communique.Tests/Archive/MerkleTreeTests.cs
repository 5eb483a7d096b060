using System.Security.Cryptography;
using Communique.Archive;

namespace Communique.Tests.Archive;

// MerkleTree against the published vectors of Certificate Transparency's reference tree (transparency-dev/merkle,
// testonly/constants.go and proof/verify_test.go), and against a naive transcription of RFC 9162's recursive
// definitions (MTH, PATH, SUBPROOF) for every leaf and every pair of sizes of the logs of up to 70 leaves.
public sealed class MerkleTreeTests
{
    private const int Largest = 70;

    private const string EmptyRoot = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    private static readonly byte[][] ReferenceLeaves =
    [
        .. new[] { "", "00", "10", "2021", "3031", "40414243", "5051525354555657", "606162636465666768696a6b6c6d6e6f" }
            .Select(Convert.FromHexString),
    ];

    // MTH of the first 1 to 8 reference leaves.
    private static readonly string[] ReferenceRoots =
    [
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
        "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
        "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
        "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
    ];

    // The complete subtrees of the 8 reference leaves, by level, then by index.
    private static readonly string[][] ReferenceNodes =
    [
        [
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "0298d122906dcfc10892cb53a73992fc5b9f493ea4c9badb27b791b4127a7fe7",
            "07506a85fd9dd2f120eb694f86011e5bb4662e5c415a62917033d4a9624487e7",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            "4271a26be0d8a84f0bd54c8c302e7cb3a3b5d1fa6780a40bcce2873477dab658",
            "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
            "46f6ffadd3d06a09ff3c5860d2755c8b9819db7df44251788c7d8e3180de8eb1",
        ],
        [
            "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
        ],
        [
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        ],
        [
            "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
        ],
    ];

    private static readonly byte[][] Leaves = [.. Enumerable.Range(0, Largest).Select(BitConverter.GetBytes)];

    private static readonly Dictionary<MerkleNode, byte[]> Store = Build(Leaves);

    public static TheoryData<long, long, string[]> ReferenceInclusionProofs => new()
    {
        { 0, 1, [] },
        {
            0, 8,
            [
                "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
                "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
            ]
        },
        {
            5, 8,
            [
                "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
                "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
                "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
            ]
        },
        { 2, 3, ["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"] },
        {
            1, 5,
            [
                "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
                "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            ]
        },
    };

    public static TheoryData<long, long, string[]> ReferenceConsistencyProofs => new()
    {
        { 1, 1, [] },
        {
            1, 8,
            [
                "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
                "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
            ]
        },
        {
            6, 8,
            [
                "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
                "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
                "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
            ]
        },
        {
            2, 5,
            [
                "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            ]
        },
        {
            6, 7,
            [
                "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
                "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
                "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
            ]
        },
    };

    [Fact]
    public void The_reference_leaves_give_the_published_roots_and_subtree_hashes()
    {
        var store = Build(ReferenceLeaves);

        Assert.Equal(EmptyRoot, Hex(MerkleTree.EmptyRoot()));
        Assert.Equal(EmptyRoot, Hex(MerkleTree.Root(0, n => store[n])));
        for (var size = 1; size <= ReferenceLeaves.Length; size++)
        {
            Assert.Equal(ReferenceRoots[size - 1], Hex(MerkleTree.Root(size, n => store[n])));
        }

        Assert.Equal(ReferenceNodes.Sum(level => level.Length), store.Count);
        for (var level = 0; level < ReferenceNodes.Length; level++)
        {
            for (var index = 0; index < ReferenceNodes[level].Length; index++)
            {
                Assert.Equal(ReferenceNodes[level][index], Hex(store[new MerkleNode(level, index)]));
            }
        }
    }

    [Theory]
    [MemberData(nameof(ReferenceInclusionProofs))]
    public void The_reference_leaves_give_the_published_audit_paths(long index, long size, string[] expected)
    {
        var store = Build(ReferenceLeaves);
        var proof = MerkleTree.InclusionProof(index, size, n => store[n]);

        Assert.Equal(expected, proof.Select(Hex));
        Assert.True(MerkleTree.VerifyInclusion(MerkleTree.LeafHash(ReferenceLeaves[index]), index, size, proof,
            Convert.FromHexString(ReferenceRoots[size - 1])));
    }

    [Theory]
    [MemberData(nameof(ReferenceConsistencyProofs))]
    public void The_reference_leaves_give_the_published_consistency_proofs(long from, long to, string[] expected)
    {
        var store = Build(ReferenceLeaves);
        var proof = MerkleTree.ConsistencyProof(from, to, n => store[n]);

        Assert.Equal(expected, proof.Select(Hex));
        Assert.True(MerkleTree.VerifyConsistency(from, to, Convert.FromHexString(ReferenceRoots[from - 1]),
            Convert.FromHexString(ReferenceRoots[to - 1]), proof));
    }

    [Fact]
    public void Roots_and_audit_paths_are_those_of_the_RFC_definitions_for_every_leaf_of_logs_up_to_70()
    {
        for (var size = 0; size <= Largest; size++)
        {
            var root = MerkleTree.Root(size, Node);
            Assert.Equal(Hex(Mth(Leaves.AsSpan(0, size))), Hex(root));
            for (var index = 0; index < size; index++)
            {
                var proof = MerkleTree.InclusionProof(index, size, Node);
                Assert.Equal(Path(index, Leaves.AsSpan(0, size)).Select(Hex), proof.Select(Hex));
                Assert.True(MerkleTree.VerifyInclusion(LeafHash(index), index, size, proof, root),
                    $"{index} of {size}");
            }
        }
    }

    [Fact]
    public void Consistency_proofs_are_those_of_the_RFC_definitions_for_every_pair_of_sizes_up_to_70()
    {
        for (var to = 1; to <= Largest; to++)
        {
            for (var from = 1; from <= to; from++)
            {
                var proof = MerkleTree.ConsistencyProof(from, to, Node);
                Assert.Equal(Subproof(from, Leaves.AsSpan(0, to), true).Select(Hex), proof.Select(Hex));
                Assert.True(MerkleTree.VerifyConsistency(from, to, Root(from), Root(to), proof), $"{from} to {to}");
            }
        }
    }

    [Fact]
    public void The_empty_log_and_the_same_log_are_consistent_with_an_empty_proof_only()
    {
        var empty = MerkleTree.EmptyRoot();

        Assert.Empty(MerkleTree.ConsistencyProof(0, 0, Node));
        Assert.Empty(MerkleTree.ConsistencyProof(0, 5, Node));
        Assert.Empty(MerkleTree.ConsistencyProof(5, 5, Node));
        Assert.True(MerkleTree.VerifyConsistency(0, 0, empty, empty, []));
        Assert.True(MerkleTree.VerifyConsistency(0, 5, empty, Root(5), []));
        Assert.True(MerkleTree.VerifyConsistency(5, 5, Root(5), Root(5), []));

        Assert.False(MerkleTree.VerifyConsistency(0, 0, empty, Root(1), []));
        Assert.False(MerkleTree.VerifyConsistency(0, 5, Root(5), Root(5), []));
        Assert.False(MerkleTree.VerifyConsistency(0, 5, empty, Root(5), [Root(5)]));
        Assert.False(MerkleTree.VerifyConsistency(5, 5, Root(5), Root(4), []));
        Assert.False(MerkleTree.VerifyConsistency(5, 5, Root(5), Root(5), [Root(5)]));
    }

    // Only the sizes whose trees differ in shape along the leaf's path are tried: a size whose tree has the same shape
    // there takes the same hashes, and a proof cannot tell them apart. The size is bound by the root a log publishes.
    [Fact]
    public void An_audit_path_fails_once_a_hash_an_index_a_size_a_leaf_or_the_root_is_changed()
    {
        var other = SHA256.HashData("another root"u8);
        for (var size = 1; size <= Largest; size++)
        {
            var root = Root(size);
            for (var index = 0; index < size; index++)
            {
                var leaf = LeafHash(index);
                var proof = MerkleTree.InclusionProof(index, size, Node);
                var what = $"{index} of {size}";
                foreach (var changed in Tampered(proof, root))
                {
                    Assert.False(MerkleTree.VerifyInclusion(leaf, index, size, changed, root), what);
                }

                foreach (var wrong in Others(index, size))
                {
                    Assert.False(MerkleTree.VerifyInclusion(leaf, wrong, size, proof, root), what);
                }

                Assert.False(MerkleTree.VerifyInclusion(leaf, index, size * 2, proof, root));
                Assert.False(MerkleTree.VerifyInclusion(leaf, index, size / 2, proof, root));
                Assert.False(MerkleTree.VerifyInclusion(leaf, size, size, proof, root));
                Assert.False(MerkleTree.VerifyInclusion(Flipped(leaf, 3), index, size, proof, root));
                Assert.False(MerkleTree.VerifyInclusion(leaf, index, size, proof, Flipped(root, 5)));
                Assert.False(MerkleTree.VerifyInclusion(leaf, index, size, proof, other));
                Assert.False(MerkleTree.VerifyInclusion(leaf, index, size, proof, MerkleTree.EmptyRoot()));
                Assert.False(MerkleTree.VerifyInclusion(leaf, index, size, proof, Root(size - 1)));
            }
        }
    }

    [Fact]
    public void A_consistency_proof_fails_once_a_hash_a_size_or_a_root_is_changed()
    {
        var other = SHA256.HashData("another root"u8);
        for (var to = 2; to <= Largest; to++)
        {
            var toRoot = Root(to);
            for (var from = 1; from < to; from++)
            {
                var fromRoot = Root(from);
                var proof = MerkleTree.ConsistencyProof(from, to, Node);
                var what = $"{from} to {to}";
                foreach (var changed in Tampered(proof, fromRoot, toRoot, []))
                {
                    Assert.False(MerkleTree.VerifyConsistency(from, to, fromRoot, toRoot, changed), what);
                }

                foreach (var wrong in Others(from, to))
                {
                    Assert.False(MerkleTree.VerifyConsistency(wrong, to, fromRoot, toRoot, proof), what);
                }

                Assert.False(MerkleTree.VerifyConsistency(from, to * 2, fromRoot, toRoot, proof));
                Assert.False(MerkleTree.VerifyConsistency(from, to / 2, fromRoot, toRoot, proof));
                Assert.False(MerkleTree.VerifyConsistency(from, to, toRoot, fromRoot, proof));
                Assert.False(MerkleTree.VerifyConsistency(from, to, Flipped(fromRoot, 7), toRoot, proof));
                Assert.False(MerkleTree.VerifyConsistency(from, to, fromRoot, Flipped(toRoot, 1), proof));
                Assert.False(MerkleTree.VerifyConsistency(from, to, other, toRoot, proof));
                Assert.False(MerkleTree.VerifyConsistency(from, to, fromRoot, other, proof));
                Assert.False(MerkleTree.VerifyConsistency(from, to, Root(from - 1), toRoot, proof));
                Assert.False(MerkleTree.VerifyConsistency(from, to, fromRoot, Root(to - 1), proof));
            }
        }
    }

    [Fact]
    public void Verification_answers_false_to_impossible_sizes_and_malformed_hashes()
    {
        var leaf = LeafHash(0);

        Assert.True(MerkleTree.VerifyInclusion(leaf, 0, 1, [], leaf));
        Assert.False(MerkleTree.VerifyInclusion(leaf, 0, 0, [], leaf));
        Assert.False(MerkleTree.VerifyInclusion(leaf, 1, 1, [], leaf));
        Assert.False(MerkleTree.VerifyInclusion(leaf, -1, 1, [], leaf));
        Assert.False(MerkleTree.VerifyInclusion(leaf, 0, -1, [], leaf));
        Assert.False(MerkleTree.VerifyInclusion(leaf.AsSpan(0, 31), 0, 1, [], leaf.AsSpan(0, 31)));
        Assert.False(MerkleTree.VerifyInclusion(leaf, 0, 2, [null!], Root(2)));
        Assert.False(MerkleTree.VerifyInclusion(leaf, 0, 2, [[]], Root(2)));
        Assert.False(MerkleTree.VerifyInclusion(leaf, long.MaxValue - 1, long.MaxValue, [leaf], Root(2)));

        Assert.False(MerkleTree.VerifyConsistency(2, 1, Root(2), Root(1), []));
        Assert.False(MerkleTree.VerifyConsistency(-1, 1, Root(1), Root(1), []));
        Assert.False(MerkleTree.VerifyConsistency(1, 2, Root(1), Root(2), [null!]));
        Assert.False(MerkleTree.VerifyConsistency(1, 2, Root(1), Root(2), [[1, 2, 3]]));
        Assert.False(MerkleTree.VerifyConsistency(1, 2, Root(1), Root(2).AsSpan(1), [LeafHash(1)]));
        Assert.False(MerkleTree.VerifyConsistency(1, long.MaxValue, Root(1), Root(2), [LeafHash(1)]));
    }

    [Fact]
    public void Arguments_outside_the_log_throw()
    {
        var leaf = LeafHash(0);

        Assert.Throws<ArgumentOutOfRangeException>(() => MerkleTree.RootNodes(-1));
        Assert.Throws<ArgumentOutOfRangeException>(() => MerkleTree.Root(-1, Node));
        Assert.Throws<ArgumentOutOfRangeException>(() => MerkleTree.InclusionNodes(-1, 5));
        Assert.Throws<ArgumentOutOfRangeException>(() => MerkleTree.InclusionNodes(5, 5));
        Assert.Throws<ArgumentOutOfRangeException>(() => MerkleTree.InclusionNodes(0, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => MerkleTree.InclusionProof(5, 5, Node));
        Assert.Throws<ArgumentOutOfRangeException>(() => MerkleTree.ConsistencyNodes(-1, 5));
        Assert.Throws<ArgumentOutOfRangeException>(() => MerkleTree.ConsistencyNodes(6, 5));
        Assert.Throws<ArgumentOutOfRangeException>(() => MerkleTree.ConsistencyProof(6, 5, Node));
        Assert.Throws<ArgumentOutOfRangeException>(() => MerkleTree.AppendNodes(-1));
        Assert.Throws<ArgumentOutOfRangeException>(() => MerkleTree.Append(-1, leaf, Node));
        Assert.Throws<ArgumentOutOfRangeException>(() => MerkleTree.Append(0, leaf[..31], Node));
    }

    [Fact]
    public void Appending_leaf_by_leaf_stores_exactly_the_complete_subtrees()
    {
        var store = new Dictionary<MerkleNode, byte[]>();
        for (var size = 0; size < Largest; size++)
        {
            var created = MerkleTree.Append(size, LeafHash(size), n => store[n]);
            Assert.Equal(new MerkleNode(0, size), created[0].Node);
            for (var i = 1; i < created.Count; i++)
            {
                Assert.Equal(new MerkleNode(i, created[i - 1].Node.Index >> 1), created[i].Node);
            }

            foreach (var (node, hash) in created)
            {
                store.Add(node, hash);
            }

            var complete = Complete(size + 1).ToList();
            Assert.Equal(complete.Count, store.Count);
            foreach (var node in complete)
            {
                var first = (int)(node.Index << node.Level);
                Assert.Equal(Hex(Mth(Leaves.AsSpan(first, 1 << node.Level))), Hex(store[node]));
            }

            Assert.Equal(Hex(Mth(Leaves.AsSpan(0, size + 1))), Hex(MerkleTree.Root(size + 1, n => store[n])));
        }
    }

    [Fact]
    public void Each_function_asks_for_exactly_the_complete_nodes_its_twin_lists()
    {
        for (var size = 0; size <= Largest; size++)
        {
            AssertAsks(MerkleTree.RootNodes(size), size, node => MerkleTree.Root(size, node));
            for (var index = 0; index < size; index++)
            {
                AssertAsks(MerkleTree.InclusionNodes(index, size), size,
                    node => MerkleTree.InclusionProof(index, size, node));
            }

            for (var from = 0; from <= size; from++)
            {
                AssertAsks(MerkleTree.ConsistencyNodes(from, size), size,
                    node => MerkleTree.ConsistencyProof(from, size, node));
            }

            if (size < Largest)
            {
                AssertAsks(MerkleTree.AppendNodes(size), size, node => MerkleTree.Append(size, LeafHash(size), node));
            }
        }
    }

    // Every leaf of this log is the same, so that every subtree at a level has the same hash and a few dozen hashes
    // stand for the whole store; the logs of up to 70 leaves show that the right nodes are asked for.
    [Fact]
    public void Proofs_in_a_log_of_a_quadrillion_leaves_take_a_few_dozen_nodes()
    {
        const long size = (1L << 50) + 12_345_678_901;
        const long index = (1L << 49) + 987_654_321;
        const long from = (1L << 40) + 3;
        var levels = new List<byte[]> { LeafHash(0) };
        while (levels.Count < 63)
        {
            levels.Add(MerkleTree.NodeHash(levels[^1], levels[^1]));
        }

        byte[] Same(MerkleNode node) => levels[node.Level];

        var root = MerkleTree.Root(size, Same);
        var path = MerkleTree.InclusionProof(index, size, Same);
        var consistency = MerkleTree.ConsistencyProof(from, size, Same);
        Assert.InRange(MerkleTree.InclusionNodes(index, size).Count, 1, 2 * 51);
        Assert.InRange(MerkleTree.ConsistencyNodes(from, size).Count, 1, 2 * 51);
        Assert.InRange(path.Count, 1, 51);
        Assert.True(MerkleTree.VerifyInclusion(levels[0], index, size, path, root));
        Assert.True(MerkleTree.VerifyConsistency(from, size, MerkleTree.Root(from, Same), root, consistency));
        Assert.All(MerkleTree.InclusionNodes(index, size), node => Assert.True(IsComplete(node, size)));
        Assert.All(MerkleTree.ConsistencyNodes(from, size), node => Assert.True(IsComplete(node, size)));

        var created = MerkleTree.Append((1L << 50) - 1, levels[0], Same);
        Assert.Equal(51, created.Count);
        Assert.Equal(Hex(levels[50]), Hex(created[^1].Hash));
        Assert.Equal(new MerkleNode(50, 0), created[^1].Node);
    }

    private static void AssertAsks(IReadOnlyList<MerkleNode> listed, long size, Action<Func<MerkleNode, byte[]>> run)
    {
        var asked = new List<MerkleNode>();
        run(node =>
        {
            asked.Add(node);
            return Store[node];
        });

        Assert.Equal(listed.Count, listed.Distinct().Count());
        Assert.Equal(listed.Count, asked.Count);
        Assert.True(listed.ToHashSet().SetEquals(asked), $"size {size}");
        Assert.All(listed, node => Assert.True(IsComplete(node, size)));
    }

    // The proof with one bit of each hash flipped in turn, a hash dropped from either end, and one more at either end
    // or in the middle.
    private static IEnumerable<List<byte[]>> Tampered(IReadOnlyList<byte[]> proof, params byte[][] extras)
    {
        for (var i = 0; i < proof.Count; i++)
        {
            var flipped = proof.ToList();
            flipped[i] = Flipped(proof[i], i);
            yield return flipped;
        }

        if (proof.Count > 0)
        {
            yield return proof.Take(proof.Count - 1).ToList();
            yield return proof.Skip(1).ToList();
        }

        foreach (var extra in extras.Append(SHA256.HashData("another hash"u8)).Concat(proof.Take(1)))
        {
            foreach (var at in new[] { 0, proof.Count / 2, proof.Count }.Distinct())
            {
                var longer = proof.ToList();
                longer.Insert(at, extra);
                yield return longer;
            }
        }
    }

    // Other values of a leaf index or an old size: its neighbours, the ends of the log, and those with a bit flipped.
    private static IEnumerable<long> Others(long value, long size) =>
        new[] { value - 1, value + 1, value ^ 1, value ^ 2, value ^ 4, 0, 1, size - 1, size }.Where(v => v != value);

    private static byte[] Flipped(byte[] hash, int bit)
    {
        var copy = hash.ToArray();
        copy[bit / 8 % copy.Length] ^= (byte)(1 << (bit % 8));
        return copy;
    }

    private static Dictionary<MerkleNode, byte[]> Build(byte[][] leaves)
    {
        var store = new Dictionary<MerkleNode, byte[]>();
        for (var size = 0; size < leaves.Length; size++)
        {
            foreach (var (node, hash) in MerkleTree.Append(size, MerkleTree.LeafHash(leaves[size]), n => store[n]))
            {
                store.Add(node, hash);
            }
        }

        return store;
    }

    private static IEnumerable<MerkleNode> Complete(long size)
    {
        for (var level = 0; 1L << level <= size; level++)
        {
            for (var index = 0L; (index + 1) << level <= size; index++)
            {
                yield return new MerkleNode(level, index);
            }
        }
    }

    private static bool IsComplete(MerkleNode node, long size) =>
        node.Level >= 0 && node.Index >= 0 && (node.Index + 1) << node.Level <= size;

    private static byte[] Node(MerkleNode node) => Store[node];

    private static byte[] LeafHash(int index) => Store[new MerkleNode(0, index)];

    private static byte[] Root(int size) => MerkleTree.Root(size, Node);

    private static string Hex(byte[] hash) => Convert.ToHexStringLower(hash);

    // RFC 9162 §2.1.1: the largest power of 2 smaller than n.
    private static int Split(int n)
    {
        var k = 1;
        while (k * 2 < n)
        {
            k *= 2;
        }

        return k;
    }

    // RFC 9162 §2.1.1: MTH({}) = SHA-256(), MTH({d(0)}) = SHA-256(0x00 || d(0)),
    // MTH(D[n]) = SHA-256(0x01 || MTH(D[0:k]) || MTH(D[k:n])).
    private static byte[] Mth(ReadOnlySpan<byte[]> d) => d.Length switch
    {
        0 => SHA256.HashData(ReadOnlySpan<byte>.Empty),
        1 => SHA256.HashData([0x00, .. d[0]]),
        _ => SHA256.HashData([0x01, .. Mth(d[..Split(d.Length)]), .. Mth(d[Split(d.Length)..])]),
    };

    // RFC 9162 §2.1.3.1: PATH(m, D[n]).
    private static List<byte[]> Path(int m, ReadOnlySpan<byte[]> d)
    {
        if (d.Length == 1)
        {
            return [];
        }

        var k = Split(d.Length);
        if (m < k)
        {
            return [.. Path(m, d[..k]), Mth(d[k..])];
        }

        return [.. Path(m - k, d[k..]), Mth(d[..k])];
    }

    // RFC 9162 §2.1.4.1: SUBPROOF(m, D[n], b); PROOF(m, D[n]) = SUBPROOF(m, D[n], true).
    private static List<byte[]> Subproof(int m, ReadOnlySpan<byte[]> d, bool b)
    {
        if (m == d.Length)
        {
            return b ? [] : [Mth(d)];
        }

        var k = Split(d.Length);
        if (m <= k)
        {
            return [.. Subproof(m, d[..k], b), Mth(d[k..])];
        }

        return [.. Subproof(m - k, d[k..], false), Mth(d[..k])];
    }
}
