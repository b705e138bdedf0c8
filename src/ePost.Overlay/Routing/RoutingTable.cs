using ePost.Core.Ids;

namespace ePost.Overlay.Routing;

/// <summary>
/// Pastry's prefix routing table: row r holds, for each digit value d, one node that shares the first r digits
/// with this node and has d as digit r. Rows are allocated on first use, since in a ring of N nodes only about
/// log_{2^b} N rows are ever populated.
/// </summary>
public sealed class RoutingTable
{
    private readonly NodeHandle?[]?[] _rows;

    /// <summary>Creates an empty table for <paramref name="self"/> with digits of <paramref name="bitsPerDigit"/> bits.</summary>
    public RoutingTable(NodeHandle self, int bitsPerDigit)
    {
        if (bitsPerDigit is < 1 or > 8 || RingId.Bits % bitsPerDigit != 0)
            throw new ArgumentOutOfRangeException(nameof(bitsPerDigit), "Digit width must divide 160 and be 1..8 bits.");
        Self = self;
        BitsPerDigit = bitsPerDigit;
        Rows = RingId.Bits / bitsPerDigit;
        Columns = 1 << bitsPerDigit;
        _rows = new NodeHandle?[]?[Rows];
    }

    /// <summary>The owner of the table.</summary>
    public NodeHandle Self { get; }

    /// <summary>b, bits per digit.</summary>
    public int BitsPerDigit { get; }

    /// <summary>Number of rows (160 / b).</summary>
    public int Rows { get; }

    /// <summary>Entries per row (2^b).</summary>
    public int Columns { get; }

    /// <summary>Number of filled entries.</summary>
    public int Count { get; private set; }

    /// <summary>The entry at (row, column), or null.</summary>
    public NodeHandle? Get(int row, int column) => _rows[row]?[column];

    /// <summary>Where a node belongs: (row, column), or null for this node's own id.</summary>
    public (int Row, int Column)? SlotOf(RingId id)
    {
        var row = RingId.SharedPrefixDigits(Self.Id, id, BitsPerDigit);
        if (row >= Rows) return null;
        return (row, id.Digit(row, BitsPerDigit));
    }

    /// <summary>
    /// Offers a node. It fills an empty slot, or replaces an earlier incarnation of the same node; an occupied slot
    /// is kept unless <paramref name="preferNewcomer"/> says the newcomer is better (e.g. closer in the network).
    /// Returns true when the table changed.
    /// </summary>
    public bool Offer(NodeHandle node, Func<NodeHandle, NodeHandle, bool>? preferNewcomer = null)
    {
        if (SlotOf(node.Id) is not var (row, column)) return false;
        var cells = _rows[row] ??= new NodeHandle?[Columns];
        var current = cells[column];
        if (current is null)
        {
            cells[column] = node;
            Count++;
            return true;
        }
        if (current.Id == node.Id)
        {
            if (!current.IsSupersededBy(node)) return false;
            cells[column] = node;
            return true;
        }
        if (preferNewcomer is null || !preferNewcomer(current, node)) return false;
        cells[column] = node;
        return true;
    }

    /// <summary>Removes the node with that id; returns the slot it occupied, or null.</summary>
    public (int Row, int Column)? Remove(RingId id)
    {
        if (SlotOf(id) is not var (row, column)) return null;
        var cells = _rows[row];
        if (cells?[column] is not { } current || current.Id != id) return null;
        cells[column] = null;
        Count--;
        return (row, column);
    }

    /// <summary>The entries of one row (nulls omitted).</summary>
    public IEnumerable<NodeHandle> Row(int row)
    {
        if (_rows[row] is not { } cells) yield break;
        foreach (var cell in cells)
            if (cell is not null) yield return cell;
    }

    /// <summary>Every entry.</summary>
    public IEnumerable<NodeHandle> Entries
    {
        get
        {
            for (var r = 0; r < Rows; r++)
                foreach (var n in Row(r)) yield return n;
        }
    }

    /// <summary>Index of the last row holding any entry, or -1.</summary>
    public int HighestPopulatedRow
    {
        get
        {
            for (var r = Rows - 1; r >= 0; r--)
                if (_rows[r] is { } cells && cells.Any(c => c is not null)) return r;
            return -1;
        }
    }

    /// <summary>True when the node with that id is in the table.</summary>
    public bool Contains(RingId id) =>
        SlotOf(id) is var (row, column) && _rows[row]?[column] is { } n && n.Id == id;
}
