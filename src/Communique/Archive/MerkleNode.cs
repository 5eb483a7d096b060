namespace Communique.Archive;

// The perfect subtree at Level that covers the leaves [Index << Level, (Index + 1) << Level) of a Merkle log; a level 0
// node is a leaf hash. A node's hash never changes once its last leaf is appended, which is what makes it storable.
public readonly record struct MerkleNode(int Level, long Index);
