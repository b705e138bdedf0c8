using ePost.Core.Erasure;

namespace ePost.Core.Tests.Erasure;

public sealed class GaloisFieldTests
{
    // Shift-and-add multiplication reduced by 0x11D: the definition, independent of the tables.
    private static byte SlowMultiply(int a, int b)
    {
        var product = 0;
        for (var i = 0; i < 8; i++)
            if ((b >> i & 1) != 0) product ^= a << i;
        for (var bit = 14; bit >= 8; bit--)
            if ((product >> bit & 1) != 0) product ^= GaloisField.Polynomial << (bit - 8);
        return (byte)product;
    }

    [Fact]
    public void Multiplication_table_matches_polynomial_multiplication_for_every_pair()
    {
        for (var a = 0; a < 256; a++)
        for (var b = 0; b < 256; b++)
            Assert.Equal(SlowMultiply(a, b), GaloisField.Multiply((byte)a, (byte)b));
    }

    [Fact]
    public void Every_nonzero_element_times_its_inverse_is_one()
    {
        for (var a = 1; a < 256; a++) Assert.Equal(1, GaloisField.Multiply((byte)a, GaloisField.Inverse((byte)a)));
        Assert.Throws<DivideByZeroException>(() => GaloisField.Inverse(0));
    }

    [Fact]
    public void Log_and_exp_are_inverse_and_two_generates_the_group()
    {
        var seen = new HashSet<byte>();
        for (var e = 0; e < 255; e++) Assert.True(seen.Add(GaloisField.Exp(e)));
        for (var a = 1; a < 256; a++) Assert.Equal(a, GaloisField.Exp(GaloisField.Log((byte)a)));
    }

    [Fact]
    public void Agrees_with_isal_gf_mul_on_a_known_product() => Assert.Equal(0x31, GaloisField.Multiply(0x57, 0x83));
}
