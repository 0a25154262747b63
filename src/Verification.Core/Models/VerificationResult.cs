using System.Diagnostics.CodeAnalysis;

namespace Verification;

/// <summary>
/// The outcome of an operation: <see cref="Value"/> when it <see cref="Succeeded"/>, otherwise <see cref="Error"/>.
/// Expected failures (wrong code, throttled, bad input) are results, never exceptions.
/// </summary>
/// <typeparam name="T">The type of the value.</typeparam>
public sealed class VerificationResult<T>
    where T : class
{
    private VerificationResult(T? value, VerificationError? error)
    {
        Value = value;
        Error = error;
    }

    /// <summary>Whether the operation succeeded; then <see cref="Value"/> is set, otherwise <see cref="Error"/>.</summary>
    [MemberNotNullWhen(true, nameof(Value))]
    [MemberNotNullWhen(false, nameof(Error))]
    public bool Succeeded => Error is null;

    /// <summary>The value of a successful operation.</summary>
    public T? Value { get; }

    /// <summary>Why the operation failed.</summary>
    public VerificationError? Error { get; }

    /// <summary>A successful result.</summary>
    /// <param name="value">The value.</param>
    public static VerificationResult<T> Success(T value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return new(value, null);
    }

    /// <summary>A failed result.</summary>
    /// <param name="error">Why it failed.</param>
    public static VerificationResult<T> Failure(VerificationError error)
    {
        ArgumentNullException.ThrowIfNull(error);
        return new(null, error);
    }

    /// <summary>Wraps a value as a successful result.</summary>
    /// <param name="value">The value.</param>
    public static implicit operator VerificationResult<T>(T value) => Success(value);

    /// <summary>Wraps an error as a failed result.</summary>
    /// <param name="error">The error.</param>
    public static implicit operator VerificationResult<T>(VerificationError error) => Failure(error);

    /// <inheritdoc />
    public override string ToString() => Succeeded ? $"Succeeded: {Value}" : $"Failed: {Error}";
}
