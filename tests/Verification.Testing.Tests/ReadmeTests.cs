namespace Verification.Testing.Tests;

public sealed class ReadmeTests
{
    [Theory]
    [InlineData("SignUpTests.cs")]
    [InlineData("ResendTests.cs")]
    public void Readme_TestingSection_ShowsTheTestVerbatim(string file)
    {
        var root = RepositoryRoot();
        var readme = File.ReadAllText(Path.Combine(root, "README.md")).ReplaceLineEndings("\n");
        var test = File.ReadAllText(Path.Combine(root, "tests", "Verification.Testing.Tests", file)).ReplaceLineEndings("\n").TrimEnd('\n');

        Assert.Contains("```csharp\n" + test + "\n```", readme, StringComparison.Ordinal);
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Verification.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("Verification.sln not found above " + AppContext.BaseDirectory);
    }
}
