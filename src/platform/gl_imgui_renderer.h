// gl_imgui_renderer.h: draws Dear ImGui's draw lists with OpenGL 3.2 core (desktop) or WebGL2 (OpenGL ES 3.0).
//
// Why not ImGui's stock imgui_impl_opengl3: it saves and restores ~25 pieces of GL state with glGetIntegerv
// and glIsEnabled every frame. In Chrome several of those are synchronous round trips to the GPU process, so
// the page waits for the previous frame to finish rasterising: 36 ms per frame measured here in headless
// Chromium (SwiftShader), 2 ms without. This renderer owns the GL state while it draws and restores nothing;
// nothing else in the app draws with GL.
#pragma once
#include "imgui.h"

namespace convlens {

// Compiles the shaders and uploads the font atlas. `gles` picks GLSL "#version 300 es" over "#version 150".
// Returns false (with a message on stderr) if the shaders do not compile.
bool imgui_gl_init(bool gles);
void imgui_gl_render(ImDrawData* draw_data);
void imgui_gl_shutdown();

}  // namespace convlens
