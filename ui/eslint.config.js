// ESLint (flat config): the JavaScript and typescript-eslint recommended rules, with type
// information, and the React hooks rules. Formatting is Prettier's (npm run format:check).
import js from "@eslint/js";
import { defineConfig } from "eslint/config";
import reactHooks from "eslint-plugin-react-hooks";
import globals from "globals";
import tseslint from "typescript-eslint";

export default defineConfig(
  // Generated from Rust (casedesk-ipc) and build output.
  { ignores: ["dist/", "src/bindings/"] },
  js.configs.recommended,
  {
    files: ["src/**/*.{ts,tsx}", "vite.config.ts"],
    extends: [tseslint.configs.recommendedTypeChecked, reactHooks.configs.flat.recommended],
    languageOptions: {
      globals: globals.browser,
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // Tauri's invoke rejects with the IpcError object Rust sent (not an Error), and so do the
      // mock backend and the tests that stand in for it.
      "@typescript-eslint/only-throw-error": ["error", { allow: [{ from: "file", name: "IpcError", path: "src/bindings/IpcError.ts" }] }],
      "@typescript-eslint/prefer-promise-reject-errors": ["error", { allowThrowingUnknown: true }],
      "@typescript-eslint/no-unused-vars": ["error", { ignoreRestSiblings: true }],
    },
  },
  {
    // Node scripts; what they hand to page.evaluate runs in the browser.
    files: ["e2e/**/*.mjs", "eslint.config.js"],
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
  },
);
