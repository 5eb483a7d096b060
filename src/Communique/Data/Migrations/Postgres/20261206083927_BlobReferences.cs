using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Communique.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class BlobReferences : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "BlobReferences",
                columns: table => new
                {
                    Hash = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Holder = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    HolderId = table.Column<Guid>(type: "uuid", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_BlobReferences", x => new { x.Hash, x.Holder, x.HolderId });
                });

            migrationBuilder.CreateIndex(
                name: "IX_BlobReferences_HolderId",
                table: "BlobReferences",
                column: "HolderId");

            // Every blob already held: assets, NLU versions' training data and trained models, and the files of
            // imports still waiting or running.
            migrationBuilder.Sql("""
                INSERT INTO "BlobReferences" ("Hash", "Holder", "HolderId")
                SELECT "Hash", 'Asset', "Id" FROM "Assets";
                INSERT INTO "BlobReferences" ("Hash", "Holder", "HolderId")
                SELECT "DataHash", 'NluTrainingData', "Id" FROM "NluModelVersions";
                INSERT INTO "BlobReferences" ("Hash", "Holder", "HolderId")
                SELECT "ArtifactHash", 'NluArtifact', "Id" FROM "NluModelVersions" WHERE "ArtifactHash" IS NOT NULL;
                INSERT INTO "BlobReferences" ("Hash", "Holder", "HolderId")
                SELECT ("Payload"::jsonb ->> 'BlobHash'), 'DataUpload', "Id" FROM "Jobs"
                WHERE "Kind" = 'data-import' AND "State" IN ('Queued', 'Running')
                    AND ("Payload"::jsonb ->> 'BlobHash') IS NOT NULL;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "BlobReferences");
        }
    }
}
