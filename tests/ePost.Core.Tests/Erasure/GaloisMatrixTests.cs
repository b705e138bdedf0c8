using ePost.Core.Erasure;

namespace ePost.Core.Tests.Erasure;

public sealed class GaloisMatrixTests
{
    private static IEnumerable<int[]> Subsets(int n, int m)
    {
        var pick = Enumerable.Range(0, m).ToArray();
        while (true)
        {
            yield return (int[])pick.Clone();
            var i = m - 1;
            while (i >= 0 && pick[i] == n - m + i) i--;
            if (i < 0) yield break;
            pick[i]++;
            for (var k = i + 1; k < m; k++) pick[k] = pick[k - 1] + 1;
        }
    }

    private static void AssertIsIdentity(GaloisMatrix product)
    {
        for (var i = 0; i < product.Rows; i++)
        for (var j = 0; j < product.Cols; j++)
            Assert.Equal(i == j ? 1 : 0, product[i, j]);
    }

    [Fact]
    public void Encoding_matrix_is_systematic()
    {
        var matrix = GaloisMatrix.SystematicCauchy(48, 5);
        AssertIsIdentity(matrix.SelectRows([0, 1, 2, 3, 4]));
    }

    [Fact]
    public void Any_m_rows_are_invertible_exhaustively_for_every_n_up_to_11()
    {
        var checkedSubsets = 0;
        for (var n = 1; n <= 11; n++)
        for (var m = 1; m <= n; m++)
        {
            var matrix = GaloisMatrix.SystematicCauchy(n, m);
            foreach (var rows in Subsets(n, m))
            {
                var square = matrix.SelectRows(rows);
                AssertIsIdentity(square.Multiply(square.Invert()));
                checkedSubsets++;
            }
        }
        Assert.Equal(4083, checkedSubsets); // sum over n of 2^n - 1
    }

    [Fact]
    public void Random_m_row_subsets_are_invertible_for_large_n()
    {
        var random = new Random(255);
        foreach (var (n, m) in new[] { (255, 1), (255, 5), (255, 64), (255, 128), (255, 254), (255, 255), (200, 100), (48, 5) })
        {
            var matrix = GaloisMatrix.SystematicCauchy(n, m);
            for (var trial = 0; trial < 4; trial++)
            {
                var rows = Enumerable.Range(0, n).OrderBy(_ => random.Next()).Take(m).ToArray();
                var square = matrix.SelectRows(rows);
                AssertIsIdentity(square.Multiply(square.Invert()));
            }
        }
    }

    [Fact]
    public void Parity_rows_equal_isal_gf_gen_cauchy1_matrix()
    {
        // Printed by ISA-L 2.30 gf_gen_cauchy1_matrix(a, 10, 4), rows 4..9.
        string[] isal = ["47a77aba", "a747ba7a", "7aba47a7", "ba7aa747", "ad9ddd98", "9dad98dd"];
        var matrix = GaloisMatrix.SystematicCauchy(10, 4);
        for (var r = 0; r < isal.Length; r++)
            Assert.Equal(isal[r], Convert.ToHexStringLower(matrix.Row(4 + r)));
    }

    [Fact]
    public void Singular_matrix_refuses_to_invert()
    {
        var singular = new GaloisMatrix(2, 2) { [0, 0] = 3, [0, 1] = 5, [1, 0] = 3, [1, 1] = 5 };
        Assert.Throws<InvalidOperationException>(() => singular.Invert());
    }
}
