namespace Verification;

/// <summary>
/// The claims of a token the codec accepted, typed. Which members are set depends on its kind: a
/// <c>verification_id</c> has <see cref="Contact"/>, <see cref="RecordId"/>, <see cref="Nonce"/> and maybe
/// <see cref="Usage"/>; a <c>verification_token</c> <see cref="Contact"/>, <see cref="TokenId"/> and maybe
/// <see cref="Usage"/>; a captcha challenge <see cref="RecordId"/> and <see cref="Nonce"/>; a captcha token
/// <see cref="TokenId"/>. Every kind has <see cref="ExpiresAt"/>.
/// </summary>
/// <param name="Contact">The <c>e</c> claim: the normalised phone number (E.164) or email address.</param>
/// <param name="RecordId">The <c>kid</c> claim of the payload: the pending record (not the header's key id).</param>
/// <param name="Nonce">The <c>t</c> claim: the record's nonce.</param>
/// <param name="TokenId">The <c>jti</c> claim: the id under which a single-use token is marked used.</param>
/// <param name="Usage">The <c>u</c> claim, when the token has one.</param>
/// <param name="ExpiresAt">The <c>exp</c> claim.</param>
internal readonly record struct TokenPayload(
    string? Contact,
    Guid RecordId,
    string? Nonce,
    string? TokenId,
    VerificationUsage? Usage,
    DateTimeOffset ExpiresAt)
{
    // The contact and the nonce stay out of any text a log may receive.
    private bool PrintMembers(System.Text.StringBuilder builder)
    {
        builder.Append("RecordId = ").Append(RecordId).Append(", TokenId = ").Append(TokenId)
            .Append(", Usage = ").Append(Usage).Append(", ExpiresAt = ").Append(ExpiresAt.ToString("O", System.Globalization.CultureInfo.InvariantCulture));
        return true;
    }
}
