namespace Verification;

/// <summary>A pending code as the store keeps it: a keyed hash, never the code.</summary>
public sealed class CodeRecord
{
    /// <summary>The record id (the <c>kid</c> claim of the verification id).</summary>
    public required Guid Id { get; init; }

    /// <summary>The contact's limit key (E.164 phone number or case-folded email); one live record per contact.</summary>
    public required string ContactKey { get; init; }

    /// <summary>HMAC-SHA256 of the code, keyed with <c>Tokens:HashKey</c> and bound to the record id and nonce.</summary>
    public required ReadOnlyMemory<byte> CodeHash { get; init; }

    /// <summary>When the code expires.</summary>
    public required DateTimeOffset ExpiresAt { get; init; }
}
