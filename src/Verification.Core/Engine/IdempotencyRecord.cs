using System.Globalization;

namespace Verification;

/// <summary>
/// What an <c>Idempotency-Key</c> remembers of the send it was first used for: the contact, the answer given, and
/// whether the contact has an account. Stored as one opaque value (see <see cref="Encode"/>).
/// </summary>
/// <param name="ContactKey">The limit key of the contact the key was used for.</param>
/// <param name="VerificationId">The verification id of that send.</param>
/// <param name="ExpiresAt">When that send's code expires (whole seconds).</param>
/// <param name="IsUser">The <c>is_user</c> answer of that send, when it gave one.</param>
internal sealed record IdempotencyRecord(string ContactKey, string VerificationId, DateTimeOffset ExpiresAt, bool? IsUser)
{
    /// <summary>The stored form: four lines (contact key, verification id, expiry in Unix seconds, 1/0/empty).</summary>
    public string Encode() =>
        string.Join(
            '\n',
            ContactKey,
            VerificationId,
            ExpiresAt.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture),
            IsUser switch { true => "1", false => "0", _ => string.Empty });

    /// <summary>Reads a stored value; false when it is not one this type wrote.</summary>
    public static bool TryDecode(string stored, out IdempotencyRecord record)
    {
        record = null!;
        if (stored.Split('\n') is not [var contactKey, var verificationId, var expiresAtText, var isUserText]
            || !long.TryParse(expiresAtText, NumberStyles.None, CultureInfo.InvariantCulture, out var expiresAtSeconds)
            || expiresAtSeconds > DateTimeOffset.MaxValue.ToUnixTimeSeconds())
        {
            return false;
        }

        bool? isUser = isUserText switch { "1" => true, "0" => false, _ => null };
        record = new IdempotencyRecord(contactKey, verificationId, DateTimeOffset.FromUnixTimeSeconds(expiresAtSeconds), isUser);
        return true;
    }

    /// <summary>
    /// The answer a repeated request gets at <paramref name="now"/>: the same verification id (with the seconds its code
    /// has left) for the same contact, <c>idempotency_key_reused</c> for another.
    /// </summary>
    public VerificationResult<VerificationResponse> ReplayFor(string contactKey, DateTimeOffset now)
    {
        if (!string.Equals(ContactKey, contactKey, StringComparison.Ordinal))
        {
            return VerificationError.InvalidArgument(
                "idempotency_key",
                VerificationErrorReasons.IdempotencyKeyReused,
                "This Idempotency-Key was used for another contact; use a new key per request.");
        }

        var remaining = ExpiresAt - now;
        return new VerificationResponse(VerificationId, Math.Max(0, (int)Math.Ceiling(remaining.TotalSeconds)), IsUser);
    }
}
