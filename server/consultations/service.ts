/**
 * The consultations' services as the pages and the API call them: the lifecycle of a consultation
 * (lifecycle.ts), its comments (comments.ts) and the shapes they return (views.ts). Comments are written
 * through the queue in writer.ts; the SQL is in repo.ts; the window rules in state.ts.
 */
export * from './lifecycle.ts';
export * from './comments.ts';
export { commentJson, consultationJson, reference, revisionJson, sheetComment, type CommentView, type ConsultationView } from './views.ts';
export { messages } from './messages.ts';
export * from './listing.ts';
