using Gac.Core.Diagnostics;
using Gac.Pipeline.Text;

namespace Gac.Pipeline.Tests.Text;

public sealed class TextCorpusTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("gac-corpus-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void A_plain_file_gives_one_sentence_per_non_blank_line_with_its_line_number()
    {
        var path = Write("corpus.txt", "First sentence.\r\n\r\n  Second one.  \nThird.");

        var sentences = TextCorpus.Sentences(path);

        Assert.Equal([new TextRecord("First sentence.", 1), new TextRecord("Second one.", 3), new TextRecord("Third.", 4)], sentences);
    }

    [Fact]
    public void A_plain_file_is_one_running_document_for_a_language_model_with_CRLF_read_as_LF()
    {
        var path = Write("corpus.txt", "Line one.\r\n\r\nLine two.\n");

        Assert.Equal([new TextRecord("Line one.\n\nLine two.\n", 1)], TextCorpus.Documents(path));
    }

    [Fact]
    public void A_jsonl_file_gives_each_objects_text()
    {
        var path = Write("corpus.jsonl", "{\"text\": \"One.\", \"id\": 1}\n\n{\"text\": \"Two \\\"quoted\\\".\"}\n");

        Assert.Equal([new TextRecord("One.", 1), new TextRecord("Two \"quoted\".", 3)], TextCorpus.Sentences(path));
    }

    [Theory]
    [InlineData("{\"text\": \"ok\"}\n{\"body\": \"no text field\"}\n", 2)]
    [InlineData("{\"text\": \"ok\"}\n{\"text\": 5}\n", 2)]
    [InlineData("[\"not an object\"]\n", 1)]
    [InlineData("{\"text\": \"ok\"}\n\n{broken\n", 3)]
    public void A_jsonl_line_without_a_string_text_field_is_GAC4040_at_its_line(string content, int line)
    {
        var path = Write("corpus.jsonl", content);

        var error = Assert.Throws<GacException>(() => TextCorpus.Sentences(path));

        Assert.Equal("GAC4040", error.Diagnostics[0].Code);
        Assert.Equal(new SourceLocation(path, line), error.Diagnostics[0].Location);
    }

    [Fact]
    public void Invalid_UTF8_is_GAC4040_at_its_line()
    {
        var path = Path.Combine(_folder, "latin1.txt");
        File.WriteAllBytes(path, [.. "fine\nalso fine\ncaf"u8, 0xE9, .. "\n"u8]);

        var error = Assert.Throws<GacException>(() => TextCorpus.Sentences(path));

        Assert.Equal("GAC4040", error.Diagnostics[0].Code);
        Assert.Equal(3, error.Diagnostics[0].Location!.Line);
    }

    private string Write(string name, string content)
    {
        var path = Path.Combine(_folder, name);
        File.WriteAllText(path, content);
        return path;
    }
}
