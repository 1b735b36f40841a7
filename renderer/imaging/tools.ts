// The viewer's interaction tools: which cornerstone tools exist, how the mouse drives them (left
// button: the tool chosen in the toolbar; middle: pan; right: zoom; wheel: scroll the stack), and
// the arrow annotation's text prompt, which the page answers with its own dialog.
import {
  AngleTool,
  ArrowAnnotateTool,
  addTool,
  EllipticalROITool,
  Enums as ToolEnums,
  LengthTool,
  PanTool,
  RectangleROITool,
  StackScrollTool,
  ToolGroupManager,
  WindowLevelTool,
  ZoomTool,
  type Types as ToolTypes,
} from '@cornerstonejs/tools';

/** Tools the user can put on the left mouse button from the toolbar. */
export const primaryTools = ['WindowLevel', 'Pan', 'Zoom', 'Length', 'Angle', 'EllipticalROI', 'RectangleROI', 'ArrowAnnotate'] as const;
export type PrimaryTool = (typeof primaryTools)[number];

const annotationToolNames: readonly string[] = ['Length', 'Angle', 'EllipticalROI', 'RectangleROI', 'ArrowAnnotate'];

/** Asks the user for an annotation's text; resolves undefined when they cancel. */
export type TextPrompt = (initial: string) => Promise<string | undefined>;

let registered = false;

/** Registers the tool classes with cornerstone (once per page). */
function registerTools(): void {
  if (registered) return;
  for (const tool of [WindowLevelTool, PanTool, ZoomTool, StackScrollTool, LengthTool, AngleTool, EllipticalROITool, RectangleROITool, ArrowAnnotateTool]) addTool(tool);
  registered = true;
}

/**
 * Creates the viewer's tool group with its default bindings; destroy it with
 * `ToolGroupManager.destroyToolGroup`. `textChanged` runs once an annotation's text is set.
 */
export function createToolGroup(id: string, prompt: TextPrompt, textChanged: () => void): ToolTypes.IToolGroup {
  registerTools();
  ToolGroupManager.destroyToolGroup(id);
  const group = ToolGroupManager.createToolGroup(id);
  if (!group) throw new Error('cornerstone could not create the tool group');
  group.addTool(WindowLevelTool.toolName);
  group.addTool(PanTool.toolName);
  group.addTool(ZoomTool.toolName);
  group.addTool(StackScrollTool.toolName);
  group.addTool(LengthTool.toolName);
  group.addTool(AngleTool.toolName);
  group.addTool(EllipticalROITool.toolName);
  group.addTool(RectangleROITool.toolName);
  // The tool sets the text after its own completion event, hence `textChanged`.
  const answer = (done: (text: string | undefined) => void) => (text: string | undefined) => {
    done(text);
    textChanged();
  };
  group.addTool(ArrowAnnotateTool.toolName, {
    getTextCallback: (done: (text: string | undefined) => void) => void prompt('').then(answer(done), () => answer(done)(undefined)),
    changeTextCallback: (data: { data?: { text?: string } }, _event: unknown, done: (text: string | undefined) => void) =>
      void prompt(data.data?.text ?? '').then(answer(done), () => answer(done)(undefined)),
  });
  group.setToolActive(StackScrollTool.toolName, { bindings: [{ mouseButton: ToolEnums.MouseBindings.Wheel }] });
  group.setToolActive(PanTool.toolName, { bindings: [{ mouseButton: ToolEnums.MouseBindings.Auxiliary }] });
  group.setToolActive(ZoomTool.toolName, { bindings: [{ mouseButton: ToolEnums.MouseBindings.Secondary }] });
  setPrimaryTool(group, 'WindowLevel');
  return group;
}

/**
 * Puts `tool` on the left mouse button. The tool it replaces keeps its other buttons (Pan: middle,
 * Zoom: right); annotation tools not in use stay passive, so what was drawn can still be moved.
 */
export function setPrimaryTool(group: ToolTypes.IToolGroup, tool: PrimaryTool): void {
  const current = group.getActivePrimaryMouseButtonTool();
  if (current && current !== tool) group.setToolPassive(current);
  for (const name of annotationToolNames) if (name !== tool && name !== current) group.setToolPassive(name);
  group.setToolActive(tool, { bindings: [{ mouseButton: ToolEnums.MouseBindings.Primary }] });
}
