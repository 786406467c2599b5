// gl_imgui_renderer.cpp: ImGui draw lists -> GL draw calls, without reading GL state back (see the header).
#include "gl_imgui_renderer.h"

#include <cstdint>
#include <cstdio>
#include <string>

#ifdef __EMSCRIPTEN__
#include <GLES3/gl3.h>
#else
#define GL_GLEXT_PROTOTYPES
#include <SDL_opengl.h>
#include <SDL_opengl_glext.h>
#endif

namespace convlens {
namespace {

struct Renderer {
  GLuint program = 0, vao = 0, vbo = 0, ebo = 0, font = 0;
  GLint proj = -1, sampler = -1;
};
Renderer g;

const char* kVertex = R"(
uniform mat4 ProjMtx;
in vec2 Position;
in vec2 UV;
in vec4 Color;
out vec2 Frag_UV;
out vec4 Frag_Color;
void main() {
  Frag_UV = UV;
  Frag_Color = Color;
  gl_Position = ProjMtx * vec4(Position.xy, 0.0, 1.0);
}
)";

const char* kFragment = R"(
uniform sampler2D Texture;
in vec2 Frag_UV;
in vec4 Frag_Color;
out vec4 Out_Color;
void main() {
  Out_Color = Frag_Color * texture(Texture, Frag_UV.st);
}
)";

GLuint compile(GLenum kind, const std::string& source) {
  const GLuint shader = glCreateShader(kind);
  const char* text = source.c_str();
  glShaderSource(shader, 1, &text, nullptr);
  glCompileShader(shader);
  GLint ok = 0;
  glGetShaderiv(shader, GL_COMPILE_STATUS, &ok);
  if (!ok) {
    char log[1024] = {};
    glGetShaderInfoLog(shader, sizeof log, nullptr, log);
    std::fprintf(stderr, "ImGui renderer: shader does not compile: %s\n", log);
  }
  return shader;
}

void upload_font() {
  ImGuiIO& io = ImGui::GetIO();
  unsigned char* pixels = nullptr;
  int w = 0, h = 0;
  io.Fonts->GetTexDataAsRGBA32(&pixels, &w, &h);
  glGenTextures(1, &g.font);
  glBindTexture(GL_TEXTURE_2D, g.font);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_LINEAR);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_LINEAR);
  glPixelStorei(GL_UNPACK_ALIGNMENT, 1);
  glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA, w, h, 0, GL_RGBA, GL_UNSIGNED_BYTE, pixels);
  io.Fonts->SetTexID(reinterpret_cast<ImTextureID>(uintptr_t(g.font)));
}

}  // namespace

bool imgui_gl_init(bool gles) {
  const std::string header = gles ? "#version 300 es\nprecision mediump float;\n" : "#version 150\n";
  const GLuint vs = compile(GL_VERTEX_SHADER, header + kVertex);
  const GLuint fs = compile(GL_FRAGMENT_SHADER, header + kFragment);
  g.program = glCreateProgram();
  glAttachShader(g.program, vs);
  glAttachShader(g.program, fs);
  glBindAttribLocation(g.program, 0, "Position");
  glBindAttribLocation(g.program, 1, "UV");
  glBindAttribLocation(g.program, 2, "Color");
  glLinkProgram(g.program);
  glDeleteShader(vs);
  glDeleteShader(fs);
  GLint ok = 0;
  glGetProgramiv(g.program, GL_LINK_STATUS, &ok);
  if (!ok) {
    std::fprintf(stderr, "ImGui renderer: shaders do not link\n");
    return false;
  }
  g.proj = glGetUniformLocation(g.program, "ProjMtx");
  g.sampler = glGetUniformLocation(g.program, "Texture");

  glGenVertexArrays(1, &g.vao);
  glGenBuffers(1, &g.vbo);
  glGenBuffers(1, &g.ebo);
  glBindVertexArray(g.vao);
  glBindBuffer(GL_ARRAY_BUFFER, g.vbo);
  glBindBuffer(GL_ELEMENT_ARRAY_BUFFER, g.ebo);  // part of the VAO's state
  glEnableVertexAttribArray(0);
  glEnableVertexAttribArray(1);
  glEnableVertexAttribArray(2);
  const GLsizei stride = sizeof(ImDrawVert);
  glVertexAttribPointer(0, 2, GL_FLOAT, GL_FALSE, stride, reinterpret_cast<void*>(offsetof(ImDrawVert, pos)));
  glVertexAttribPointer(1, 2, GL_FLOAT, GL_FALSE, stride, reinterpret_cast<void*>(offsetof(ImDrawVert, uv)));
  glVertexAttribPointer(2, 4, GL_UNSIGNED_BYTE, GL_TRUE, stride, reinterpret_cast<void*>(offsetof(ImDrawVert, col)));
  glBindVertexArray(0);
  upload_font();
  ImGui::GetIO().BackendRendererName = "convlens_gl";
  return true;
}

void imgui_gl_render(ImDrawData* d) {
  const int fb_w = int(d->DisplaySize.x * d->FramebufferScale.x);
  const int fb_h = int(d->DisplaySize.y * d->FramebufferScale.y);
  if (fb_w <= 0 || fb_h <= 0) return;
  glEnable(GL_BLEND);
  glBlendEquation(GL_FUNC_ADD);
  glBlendFuncSeparate(GL_SRC_ALPHA, GL_ONE_MINUS_SRC_ALPHA, GL_ONE, GL_ONE_MINUS_SRC_ALPHA);
  glDisable(GL_CULL_FACE);
  glDisable(GL_DEPTH_TEST);
  glEnable(GL_SCISSOR_TEST);
  glViewport(0, 0, fb_w, fb_h);
  // Orthographic projection of ImGui's coordinates (top-left origin) to clip space.
  const float l = d->DisplayPos.x, r = d->DisplayPos.x + d->DisplaySize.x;
  const float t = d->DisplayPos.y, b = d->DisplayPos.y + d->DisplaySize.y;
  const float ortho[16] = {2.0f / (r - l), 0, 0, 0, 0, 2.0f / (t - b), 0, 0, 0, 0, -1.0f, 0,
                           (r + l) / (l - r), (t + b) / (b - t), 0, 1.0f};
  glUseProgram(g.program);
  glUniform1i(g.sampler, 0);
  glUniformMatrix4fv(g.proj, 1, GL_FALSE, ortho);
  glActiveTexture(GL_TEXTURE0);
  glBindVertexArray(g.vao);
  glBindBuffer(GL_ARRAY_BUFFER, g.vbo);
  const ImVec2 clip_off = d->DisplayPos, scale = d->FramebufferScale;
  const GLenum index_type = sizeof(ImDrawIdx) == 2 ? GL_UNSIGNED_SHORT : GL_UNSIGNED_INT;
  for (int n = 0; n < d->CmdListsCount; ++n) {
    const ImDrawList* list = d->CmdLists[n];
    glBufferData(GL_ARRAY_BUFFER, GLsizeiptr(list->VtxBuffer.Size) * GLsizeiptr(sizeof(ImDrawVert)), list->VtxBuffer.Data,
                 GL_STREAM_DRAW);
    glBufferData(GL_ELEMENT_ARRAY_BUFFER, GLsizeiptr(list->IdxBuffer.Size) * GLsizeiptr(sizeof(ImDrawIdx)),
                 list->IdxBuffer.Data, GL_STREAM_DRAW);
    for (const ImDrawCmd& cmd : list->CmdBuffer) {
      if (cmd.UserCallback) {
        if (cmd.UserCallback != ImDrawCallback_ResetRenderState) cmd.UserCallback(list, &cmd);
        continue;
      }
      // Clip rectangle in framebuffer pixels; GL's scissor origin is the bottom-left corner.
      const float x0 = (cmd.ClipRect.x - clip_off.x) * scale.x, y0 = (cmd.ClipRect.y - clip_off.y) * scale.y;
      const float x1 = (cmd.ClipRect.z - clip_off.x) * scale.x, y1 = (cmd.ClipRect.w - clip_off.y) * scale.y;
      if (x1 <= x0 || y1 <= y0) continue;
      glScissor(int(x0), int(float(fb_h) - y1), int(x1 - x0), int(y1 - y0));
      glBindTexture(GL_TEXTURE_2D, GLuint(reinterpret_cast<uintptr_t>(cmd.GetTexID())));
      glDrawElements(GL_TRIANGLES, GLsizei(cmd.ElemCount), index_type,
                     reinterpret_cast<void*>(uintptr_t(cmd.IdxOffset * sizeof(ImDrawIdx))));
    }
  }
  glBindVertexArray(0);
  glDisable(GL_SCISSOR_TEST);
}

void imgui_gl_shutdown() {
  if (g.font) glDeleteTextures(1, &g.font);
  if (g.vbo) glDeleteBuffers(1, &g.vbo);
  if (g.ebo) glDeleteBuffers(1, &g.ebo);
  if (g.vao) glDeleteVertexArrays(1, &g.vao);
  if (g.program) glDeleteProgram(g.program);
  g = Renderer();
  ImGui::GetIO().Fonts->SetTexID(nullptr);
}

}  // namespace convlens
