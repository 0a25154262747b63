using System.Net;
using System.Text.Json;

namespace Verification.TestUtilities;

/// <summary>Reads and checks the JSON bodies of the wire contract.</summary>
public static class Json
{
    private static readonly string[] ErrorFields = ["error", "error_code", "error_description", "details"];

    public static async Task<JsonElement> ReadAsync(HttpResponseMessage response)
    {
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        using var document = JsonDocument.Parse(bytes);
        return document.RootElement.Clone();
    }

    public static string[] PropertyNames(JsonElement element) =>
        [.. element.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal)];

    /// <summary>Asserts a 200 JSON answer and returns its body.</summary>
    public static async Task<JsonElement> ReadSuccessAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"Expected 200, got {(int)response.StatusCode}: {text}");
        return await ReadAsync(response);
    }

    /// <summary>
    /// Asserts an error answer: the status, <c>{"error","error_code","error_description"}</c> with an optional
    /// <c>details</c> object and nothing else. Returns the body.
    /// </summary>
    public static async Task<JsonElement> AssertErrorAsync(HttpResponseMessage response, HttpStatusCode status, string error, int errorCode)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"Expected {(int)status}, got {(int)response.StatusCode}: {text}");
        var body = await ReadAsync(response);
        Assert.Equal(JsonValueKind.Object, body.ValueKind);
        Assert.All(PropertyNames(body), name => Assert.Contains(name, ErrorFields));
        Assert.Equal(error, body.GetProperty("error").GetString());
        Assert.Equal(errorCode, body.GetProperty("error_code").GetInt32());
        Assert.False(string.IsNullOrWhiteSpace(body.GetProperty("error_description").GetString()));
        if (body.TryGetProperty("details", out var details))
        {
            Assert.Equal(JsonValueKind.Object, details.ValueKind);
        }

        return body;
    }

    /// <summary>Asserts an <c>invalid_argument</c> 400 with the given <c>details.field</c> (and reason when given).</summary>
    public static async Task<JsonElement> AssertInvalidArgumentAsync(HttpResponseMessage response, string field, string? reason = null)
    {
        var body = await AssertErrorAsync(response, HttpStatusCode.BadRequest, "invalid_argument", 4000);
        var details = body.GetProperty("details");
        Assert.Equal(field, details.GetProperty("field").GetString());
        if (reason is not null)
        {
            Assert.Equal(reason, details.GetProperty("reason").GetString());
        }

        return body;
    }

    public static string? Detail(JsonElement body, string name) =>
        body.TryGetProperty("details", out var details) && details.TryGetProperty(name, out var value) ? value.ToString() : null;
}
