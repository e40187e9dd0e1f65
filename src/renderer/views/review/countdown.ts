// The window and `airlock review` say a hold's countdown in the same words.
export { deniedInText } from '../../../shared/duration-text.js';
