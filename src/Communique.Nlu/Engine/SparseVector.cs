namespace Communique.Nlu.Engine;

// A sparse row: ascending feature indices and their values.
internal readonly record struct SparseVector(int[] Indices, float[] Values);
