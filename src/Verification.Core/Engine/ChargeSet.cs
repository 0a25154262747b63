using System.Collections;
using System.Numerics;

namespace Verification;

/// <summary>
/// The charges of one send (or one unmatched lookup) without building them: the plan's table, a bit per row that
/// applies, and the subject whose parts the rows' keys end with. A charge is made when it is read, from the row's
/// precomputed key prefix and a slice of the subject, so a set costs one small object per request and no key strings,
/// lists or copies.
/// </summary>
internal sealed class ChargeSet : IReadOnlyList<RateCharge>
{
    /// <summary>How many rows a plan may have (one bit each).</summary>
    public const int MaxRules = 64;

    private readonly ChargePlan.ChargeRule[] _rules;
    private readonly ChargePlan.ChargeSubject _subject;
    private readonly ulong _rows;
    private readonly ulong _checkOnly;
    private readonly RateCharge? _extra;

    public ChargeSet(ChargePlan.ChargeRule[] rules, ChargePlan.ChargeSubject subject, ulong rows, ulong checkOnly)
        : this(rules, subject, rows, checkOnly, null)
    {
    }

    private ChargeSet(ChargePlan.ChargeRule[] rules, ChargePlan.ChargeSubject subject, ulong rows, ulong checkOnly, RateCharge? extra)
    {
        _rules = rules;
        _subject = subject;
        _rows = rows;
        _checkOnly = checkOnly;
        _extra = extra;
        Count = BitOperations.PopCount(rows) + (extra is null ? 0 : 1);
    }

    public int Count { get; }

    public RateCharge this[int index]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfNegative(index);
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
            if (_extra is { } extra && index == Count - 1)
            {
                return extra;
            }

            var rows = _rows;
            for (var i = 0; i < index; i++)
            {
                rows &= rows - 1;
            }

            return Charge(BitOperations.TrailingZeroCount(rows));
        }
    }

    /// <summary>
    /// The same charges for a send that may (or may not) use the reserved share of the global budgets: the limits
    /// of the global rows follow it; keys and rows are unchanged.
    /// </summary>
    public ChargeSet WithReserved(bool reserved) =>
        reserved == _subject.Reserved ? this : new ChargeSet(_rules, _subject with { Reserved = reserved }, _rows, _checkOnly, _extra);

    /// <summary>The same charges and <paramref name="extra"/> after them (a charge from outside the plan, such as a captcha's used mark); this set when there is none.</summary>
    public ChargeSet WithExtra(RateCharge? extra) =>
        extra is null ? this : new ChargeSet(_rules, _subject, _rows, _checkOnly, extra);

    public Enumerator GetEnumerator() => new(this);

    IEnumerator<RateCharge> IEnumerable<RateCharge>.GetEnumerator() => GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private RateCharge Charge(int row)
    {
        var rule = _rules[row];
        var amount = (_checkOnly & (1UL << row)) != 0 ? 0 : rule.Amount;
        return RateCharge.FromParts(rule.Prefix, rule.Subject(_subject).GetValueOrDefault(), rule.Limit(_subject), rule.Window, amount, rule.Kind, rule.Reason);
    }

    /// <summary>Walks the set's rows in table order.</summary>
    public struct Enumerator(ChargeSet set) : IEnumerator<RateCharge>
    {
        private ulong _left = set._rows;
        private int _row = -1;
        private bool _extraLeft = set._extra is not null;

        public readonly RateCharge Current => _row == ExtraRow ? set._extra!.Value : set.Charge(_row);

        readonly object IEnumerator.Current => Current;

        private const int ExtraRow = MaxRules;

        public bool MoveNext()
        {
            if (_left == 0)
            {
                if (!_extraLeft)
                {
                    return false;
                }

                _extraLeft = false;
                _row = ExtraRow;
                return true;
            }

            _row = BitOperations.TrailingZeroCount(_left);
            _left &= _left - 1;
            return true;
        }

        public void Reset()
        {
            _left = set._rows;
            _row = -1;
            _extraLeft = set._extra is not null;
        }

        public readonly void Dispose()
        {
        }
    }
}
