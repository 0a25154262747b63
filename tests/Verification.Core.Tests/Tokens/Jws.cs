using System.Text.Json.Nodes;
using Microsoft.IdentityModel.Tokens;

namespace Verification.Tests.Tokens;

/// <summary>Takes compact JWS apart and puts them together again, for forging tokens in tests.</summary>
internal static class Jws
{
    public static JsonObject Header(string token) => Decode(token.Split('.')[0]);

    public static JsonObject Payload(string token) => Decode(token.Split('.')[1]);

    public static JsonObject Decode(string segment) => JsonNode.Parse(Base64UrlEncoder.Decode(segment))!.AsObject();

    public static string Encode(JsonObject json) => Base64UrlEncoder.Encode(json.ToJsonString());

    public static string Encode(string text) => Base64UrlEncoder.Encode(text);

    /// <summary>
    /// <paramref name="token"/> after the given edits, signed again by <paramref name="signer"/>'s first key (a key
    /// holder's forgery); a segment not edited keeps its exact bytes.
    /// </summary>
    public static string Resign(JwtOracle signer, string token, Action<JsonObject>? header = null, Action<JsonObject>? payload = null)
    {
        var parts = token.Split('.');
        var h = parts[0];
        var p = parts[1];
        if (header is not null)
        {
            var json = Decode(h);
            header(json);
            h = Encode(json);
        }

        if (payload is not null)
        {
            var json = Decode(p);
            payload(json);
            p = Encode(json);
        }

        return signer.Sign($"{h}.{p}");
    }

    /// <summary>The header segment of <paramref name="token"/> with the payload JSON <paramref name="payloadJson"/>, signed by <paramref name="signer"/>.</summary>
    public static string ResignRaw(JwtOracle signer, string token, string payloadJson) =>
        signer.Sign($"{token.Split('.')[0]}.{Encode(payloadJson)}");
}
