using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.OpenApi;

namespace Verification.AspNetCore.Tests;

/// <summary>AddOpenApi() + MapOpenApi() describe every endpoint of the library with its wire names.</summary>
public sealed class OpenApiTests
{
    private static readonly string[] ErrorFields = ["details", "error", "error_code", "error_description"];

    public static TheoryData<string, string[], string[], int[]> Operations => new()
    {
        { "/auth/v1/verification", ["email", "phone_number", "target", "usage"], ["expires_in", "is_user", "verification_id"], [400, 404, 409, 429, 500, 503] },
        { "/auth/v1/verification/verify", ["verification_code", "verification_id"], ["expires_in", "verification_token"], [400, 429, 500, 503] },
        { "/auth/v1/captcha/data", [], ["data", "expires_in", "token", "type"], [429, 500, 503] },
        { "/auth/v1/captcha/data/verify", ["key", "token"], ["captcha_token", "expires_in"], [400, 429, 500, 503] },
    };

    [Theory]
    [MemberData(nameof(Operations))]
    public async Task OpenApiDocument_OfEveryLibraryPath_HasRequestSuccessAndErrorSchemas(string path, string[] requestFields, string[] responseFields, int[] errorStatuses)
    {
        await using var app = await StartAsync();
        var document = await ReadDocumentAsync(app);

        Assert.True(document.Paths.TryGetValue(path, out var item), $"{path} is missing from the document.");
        var operation = item!.Operations![HttpMethod.Post];
        Assert.False(string.IsNullOrWhiteSpace(operation.OperationId));
        Assert.False(string.IsNullOrWhiteSpace(operation.Summary));
        Assert.Contains(operation.Tags!, tag => tag.Name == "Verification");
        if (requestFields.Length > 0)
        {
            var body = Assert.Single(operation.RequestBody!.Content!).Value;
            Assert.Equal(requestFields, Names(body.Schema!));
        }

        Assert.Equal(responseFields, Names(operation.Responses!["200"].Content!["application/json"].Schema!));
        foreach (var status in errorStatuses)
        {
            Assert.True(operation.Responses.TryGetValue(status.ToString(System.Globalization.CultureInfo.InvariantCulture), out var response), $"{path} lacks its {status} answer.");
            Assert.Equal(ErrorFields, Names(response!.Content!["application/json"].Schema!));
        }
    }

    [Fact]
    public async Task OpenApiDocument_HasNoOtherMethodEndpoints_AndUniqueOperationIds()
    {
        await using var app = await StartAsync();
        var document = await ReadDocumentAsync(app);

        var operations = document.Paths.SelectMany(p => p.Value.Operations!.Select(o => (Path: p.Key, Method: o.Key, o.Value.OperationId))).ToList();
        Assert.All(operations, o => Assert.Equal(HttpMethod.Post, o.Method));
        Assert.Equal(operations.Count, operations.Select(o => o.OperationId).Distinct().Count());
    }

    [Fact]
    public async Task OpenApiDocument_InProblemDetailsMode_DescribesErrorsAsProblemJson()
    {
        await using var app = await StartAsync(o => o.Configuration["Verification:Http:ErrorFormat"] = "ProblemDetails");
        var document = await ReadDocumentAsync(app);

        var operation = document.Paths["/auth/v1/verification"].Operations![HttpMethod.Post];
        Assert.True(operation.Responses!["429"].Content!.ContainsKey("application/problem+json"));
    }

    internal static async Task<OpenApiDocument> ReadDocumentAsync(TestApp app)
    {
        using var response = await app.Client.GetAsync("/openapi/v1.json");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await using var stream = await response.Content.ReadAsStreamAsync();
        var result = await OpenApiDocument.LoadAsync(stream, "json");
        Assert.Empty(result.Diagnostic?.Errors ?? []);
        return result.Document!;
    }

    private static Task<TestApp> StartAsync(Action<TestAppOptions>? configure = null) => TestApp.StartAsync(o =>
    {
        o.CaptchaRenderer = new RecordingCaptchaRenderer();
        o.Services = s => s.AddOpenApi();
        o.BeforeEndpoints = a => a.MapOpenApi();
        configure?.Invoke(o);
    });

    private static string[] Names(IOpenApiSchema schema) => [.. schema.Properties!.Keys.Order(StringComparer.Ordinal)];
}
