using System.Globalization;

namespace Verification;

/// <summary>
/// What an <c>Idempotency-Key</c> remembers of the send it was first used for: the request (contact, target, usage),
/// the claims of its verification id (signed again for a replay: nothing is signed before the send is saved), and
/// whether the contact has an account. Stored as one opaque value (see <see cref="Encode"/>).
/// </summary>
/// <param name="ContactKey">The limit key of the contact the key was used for.</param>
/// <param name="Target">The request's target.</param>
/// <param name="Claims">The claims of that send's verification id.</param>
/// <param name="IsUser">The <c>is_user</c> answer of that send, when it gave one.</param>
internal sealed record IdempotencyRecord(string ContactKey, VerificationTarget Target, VerificationIdClaims Claims, bool? IsUser)
{
    /// <summary>
    /// The stored form: eight lines (contact key, target, usage or empty, record id, nonce, contact, expiry in Unix
    /// seconds, 1/0/empty).
    /// </summary>
    public string Encode() =>
        string.Join(
            '\n',
            ContactKey,
            ((int)Target).ToString(CultureInfo.InvariantCulture),
            Claims.Usage is { } usage ? ((int)usage).ToString(CultureInfo.InvariantCulture) : string.Empty,
            Claims.RecordId.ToString("N", CultureInfo.InvariantCulture),
            Claims.Nonce,
            Claims.Contact,
            Claims.ExpiresAt.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture),
            IsUser switch { true => "1", false => "0", _ => string.Empty });

    /// <summary>Reads a stored value; false when it is not one this type wrote.</summary>
    public static bool TryDecode(string stored, out IdempotencyRecord record)
    {
        record = null!;
        if (stored.Split('\n') is not [var contactKey, var targetText, var usageText, var recordIdText, var nonce, var contact, var expiresAtText, var isUserText]
            || !int.TryParse(targetText, NumberStyles.None, CultureInfo.InvariantCulture, out var target)
            || !Enum.IsDefined((VerificationTarget)target)
            || !Guid.TryParseExact(recordIdText, "N", out var recordId)
            || !long.TryParse(expiresAtText, NumberStyles.None, CultureInfo.InvariantCulture, out var expiresAtSeconds)
            || expiresAtSeconds > DateTimeOffset.MaxValue.ToUnixTimeSeconds())
        {
            return false;
        }

        VerificationUsage? usage = null;
        if (usageText.Length > 0)
        {
            if (!int.TryParse(usageText, NumberStyles.None, CultureInfo.InvariantCulture, out var u) || !Enum.IsDefined((VerificationUsage)u))
            {
                return false;
            }

            usage = (VerificationUsage)u;
        }

        bool? isUser = isUserText switch { "1" => true, "0" => false, _ => null };
        var claims = new VerificationIdClaims(recordId, nonce, contact, usage, DateTimeOffset.FromUnixTimeSeconds(expiresAtSeconds));
        record = new IdempotencyRecord(contactKey, (VerificationTarget)target, claims, isUser);
        return true;
    }

    /// <summary>
    /// The answer a repeated request gets at <paramref name="now"/>: the same send (its verification id signed again
    /// by <paramref name="sign"/>, with the seconds its code has left) for the same contact, target and usage;
    /// <c>idempotency_key_reused</c> for anything else.
    /// </summary>
    public VerificationResult<VerificationResponse> ReplayFor(string contactKey, VerificationTarget target, VerificationUsage? usage, DateTimeOffset now, Func<VerificationIdClaims, string> sign)
    {
        if (!string.Equals(ContactKey, contactKey, StringComparison.Ordinal) || Target != target || Claims.Usage != usage)
        {
            return new VerificationError(
                VerificationErrorCodes.IdempotencyKeyReused,
                "This Idempotency-Key was used for another request (contact, target or usage); use a new key per request.")
            {
                Reason = VerificationErrorReasons.IdempotencyKeyReused,
                Field = "idempotency_key",
            };
        }

        var remaining = Claims.ExpiresAt - now;
        return new VerificationResponse(sign(Claims), Math.Max(0, (int)Math.Ceiling(remaining.TotalSeconds)), IsUser);
    }
}
