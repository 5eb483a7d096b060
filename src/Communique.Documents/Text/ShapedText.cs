namespace Communique.Documents.Text;

// A piece of text shaped in one face, in font units so that every size shares it: glyphs in visual order, each with
// its advance, offset (y positive up) and the index of the first character it came from.
internal sealed class ShapedText(ushort[] glyphs, int[] advances, int[] xOffsets, int[] yOffsets, int[] clusters)
{
    public ushort[] Glyphs { get; } = glyphs;

    public int[] Advances { get; } = advances;

    public int[] XOffsets { get; } = xOffsets;

    public int[] YOffsets { get; } = yOffsets;

    public int[] Clusters { get; } = clusters;

    // How many glyphs end a cluster: letter spacing is added once per cluster, after its last glyph, so that marks
    // and the parts of a ligature keep together.
    public int ClusterCount
    {
        get
        {
            var count = 0;
            for (var i = 0; i < Glyphs.Length; i++)
            {
                if (EndsCluster(i))
                {
                    count++;
                }
            }

            return count;
        }
    }

    public bool EndsCluster(int glyph) => glyph == Clusters.Length - 1 || Clusters[glyph + 1] != Clusters[glyph];
}
