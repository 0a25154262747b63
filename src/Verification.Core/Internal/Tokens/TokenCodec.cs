using System.Text.Encodings.Web;
using System.Text.Json;

namespace Verification;

/// <summary>
/// Writes and reads the library's four compact JWS kinds (<c>verification_id</c>, <c>verification_token</c>, captcha
/// challenge, captcha token) without a general JWT library on the hot path, and without an exception on any refusal.
/// </summary>
/// <remarks>
/// <para>The wire format is the one the JWT library wrote (same header members and order, <c>exp</c> first, the same
/// JSON escaping), so that tokens minted by either validate with the other.</para>
/// <para>Reading a token, in order, each step refusing with <see cref="TokenCheckStatus.Invalid"/> (or, for a payload
/// that a configured key signed but that is not exactly the kind's claims, <see cref="TokenCheckStatus.Malformed"/>):</para>
/// <list type="number">
/// <item>its length (empty or over <see cref="MaxTokenLength"/>), before anything else;</item>
/// <item>its header segment, compared with the precomputed segments of the kind for each configured key: this pins
/// <c>alg</c> per key, <c>typ</c> per kind and a known <c>kid</c>, and refuses any other header member
/// (<c>jku</c>, <c>x5u</c>, <c>jwk</c>, <c>x5c</c>, <c>crit</c>, …) before any parsing;</item>
/// <item>strict base64url (no padding, canonical trailing bits) and the key's exact signature length;</item>
/// <item>the signature, with the key's primitive;</item>
/// <item>the payload, read once with <see cref="Utf8JsonReader"/>: one JSON object holding only the claims of the kind,
/// each once and of its type (strings; <c>exp</c> and <c>nbf</c> integers within the calendar), <c>pj</c> equal
/// to this project (else <see cref="TokenCheckStatus.Invalid"/>), the record id a GUID, the usage a known wire
/// name, the strings non-empty;</item>
/// <item><c>nbf</c> later than now plus the skew refuses; <c>exp</c> plus the skew at or before now is
/// <see cref="TokenCheckStatus.Expired"/>.</item>
/// </list>
/// </remarks>
internal sealed partial class TokenCodec
{
    /// <summary>Tokens longer than this are refused before parsing.</summary>
    public const int MaxTokenLength = 2048;

    /// <summary>The <c>typ</c> of each kind, indexed by <see cref="TokenKind"/>.</summary>
    internal static readonly string[] Types =
    [
        TokenService.VerificationIdType, TokenService.VerificationTokenType, TokenService.CaptchaChallengeType, TokenService.CaptchaTokenType,
    ];

    private static readonly JsonEncodedText E = JsonEncodedText.Encode("e"u8);
    private static readonly JsonEncodedText Exp = JsonEncodedText.Encode("exp"u8);
    private static readonly JsonEncodedText Jti = JsonEncodedText.Encode("jti"u8);
    private static readonly JsonEncodedText Kid = JsonEncodedText.Encode("kid"u8);
    private static readonly JsonEncodedText Pj = JsonEncodedText.Encode("pj"u8);
    private static readonly JsonEncodedText T = JsonEncodedText.Encode("t"u8);
    private static readonly JsonEncodedText U = JsonEncodedText.Encode("u"u8);

    // The wire name of every usage, from the one table of wire names.
    private static readonly (JsonEncodedText Name, VerificationUsage Usage)[] Usages =
        [.. Enum.GetValues<VerificationUsage>().Select(u => (JsonEncodedText.Encode(WireNames.Of(u), JavaScriptEncoder.UnsafeRelaxedJsonEscaping), u))];

    private readonly TokenKey[] _keys;
    private readonly JsonEncodedText _project;
    private readonly long _skewTicks;

    /// <param name="keys">The key ring: its first key signs, all of them validate.</param>
    /// <param name="projectId">The <c>pj</c> claim written and required.</param>
    /// <param name="clockSkew">Tolerated clock difference for <c>exp</c> and <c>nbf</c> (0 to 30 seconds).</param>
    public TokenCodec(SigningKeyRing keys, string projectId, TimeSpan clockSkew)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(clockSkew, TimeSpan.Zero);
        _keys = [.. keys.ValidationKeys.Select(k => TokenKey.Create(keys.Algorithm, k))];
        _project = JsonEncodedText.Encode(projectId, JavaScriptEncoder.UnsafeRelaxedJsonEscaping);
        _skewTicks = clockSkew.Ticks;
    }

    [Flags]
    private enum Claim
    {
        None = 0,
        E = 1,
        Exp = 2,
        Kid = 4,
        Pj = 8,
        T = 16,
        U = 32,
        Jti = 64,
        Nbf = 128,
    }
}
