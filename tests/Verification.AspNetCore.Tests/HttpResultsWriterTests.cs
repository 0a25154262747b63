using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Verification.AspNetCore.Tests;

/// <summary>
/// The answers are written through a per-thread buffer and writer: each answer whole, with its exact
/// Content-Length and its own encoder, whatever the thread wrote before.
/// </summary>
public sealed class HttpResultsWriterTests
{
    [Fact]
    public async Task Json_AnswersOfDifferentSizesInTurn_EachWholeWithItsLength()
    {
        // Small, larger than the buffer a thread keeps (16 KiB), then small again: the buffer is dropped and made anew.
        foreach (var length in new[] { 10, 40_000, 12, 20_000, 5 })
        {
            var token = new string('t', length);

            var (body, contentLength, context) = await WriteAsync(VerificationHttpResults.Ok(new VerifyResponse(token, 60)));

            Assert.Equal(Encoding.UTF8.GetByteCount(body), contentLength);
            using var json = JsonDocument.Parse(body);
            Assert.Equal(token, json.RootElement.GetProperty("verification_token").GetString());
            Assert.Equal(60, json.RootElement.GetProperty("expires_in").GetInt32());
            Assert.Equal("no-store", context.Response.Headers.CacheControl.ToString());
            Assert.Equal("application/json; charset=utf-8", context.Response.ContentType);
        }
    }

    [Fact]
    public async Task Json_AlternatingOptions_EachAnswerKeepsItsOwnEncoder()
    {
        var value = new VerifyResponse("a+b'c<d>é", 1);
        for (var round = 0; round < 2; round++)
        {
            // The library's answers leave '+', '\'' and non-ASCII text as they are ...
            var (readable, _, _) = await WriteAsync(VerificationHttpResults.Ok(value));
            Assert.Contains("\"a+b'c<d>é\"", readable, StringComparison.Ordinal);

            // ... an app's own metadata writes with its own options (here the default, HTML-safe encoder).
            var (escaped, _, _) = await WriteAsync(VerificationHttpResults.Json(value, VerificationJsonContext.Default.VerifyResponse));
            Assert.Contains("a\\u002Bb\\u0027c\\u003Cd\\u003E\\u00E9", escaped, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Error_WritesItsBodyWithItsLength()
    {
        var error = new VerificationError(VerificationErrorCodes.InvalidArgument, "phone_number must start with '+'.") { Field = "phone_number", Reason = "malformed" };

        var (body, contentLength, context) = await WriteAsync(VerificationHttpResults.Error(error));

        Assert.Equal(StatusCodes.Status400BadRequest, context.Response.StatusCode);
        Assert.Equal(Encoding.UTF8.GetByteCount(body), contentLength);
        using var json = JsonDocument.Parse(body);
        Assert.Equal("invalid_argument", json.RootElement.GetProperty("error").GetString());
        Assert.Equal("phone_number must start with '+'.", json.RootElement.GetProperty("error_description").GetString());
    }

    private static async Task<(string Body, long? ContentLength, DefaultHttpContext Context)> WriteAsync(IResult result)
    {
        var context = new DefaultHttpContext();
        using var stream = new MemoryStream();
        context.Response.Body = stream;

        await result.ExecuteAsync(context);

        return (Encoding.UTF8.GetString(stream.ToArray()), context.Response.ContentLength, context);
    }
}
